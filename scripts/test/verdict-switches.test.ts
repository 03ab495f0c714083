import { describe, expect, it } from 'vitest';
import { findLab, readManifest } from '../lib/manifest.ts';
import type { ChecksRun } from '../lib/run-checks.ts';
import { formatVerdict } from '../lib/verdict.ts';

const lab = findLab(readManifest(), '09');
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
const run: ChecksRun = {
  checks: [{ title: 'POST /api/scale-jobs?by=2 completes', state: 'passed' }],
  errors: [],
  passed: true,
};

describe('the verdict and a workshop switch left on in local.settings.json', () => {
  it('says in one line that the checks ignore it and npm start does not', () => {
    const verdict = plain(
      formatVerdict(
        lab,
        'labs/09-crash-safe-activities',
        { ...run, localSwitches: ['WORKSHOP_DURABLE_CRASH_AFTER_ACTIVITY=applyScale'] },
        undefined,
      ),
    );
    const line = verdict.split('\n').find((l) => l.includes('WORKSHOP_DURABLE_CRASH_AFTER_ACTIVITY=applyScale'));
    expect(line).toContain('labs/09-crash-safe-activities/local.settings.json');
    expect(line).toContain('the checks ignore it');
  });

  it('says nothing when none is on', () => {
    expect(plain(formatVerdict(lab, 'labs/09-crash-safe-activities', run, undefined))).not.toContain(
      'local.settings.json',
    );
  });
});
