import { describe, expect, it } from 'vitest';
import { findLab, readManifest } from '../lib/manifest.ts';
import type { ChecksRun } from '../lib/run-checks.ts';
import { formatVerdict } from '../lib/verdict.ts';

const lab = findLab(readManifest(), '01');
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
const failing: ChecksRun = {
  checks: [{ title: 'GET /api/hello answers 200', state: 'failed', error: { message: 'expected 200, got 404' } }],
  errors: [],
  passed: false,
};

describe("the verdict's last line", () => {
  it('in watch mode says that saving runs the checks again, not to run the command again', () => {
    const verdict = plain(formatVerdict(lab, 'labs/01-http-trigger', failing, undefined, true));
    expect(verdict).toContain('Change your code in labs/01-http-trigger and save: the checks run again by themselves.');
    expect(verdict).not.toContain('then run npm run lab:01 again');
  });

  it('without watch mode says which command to run again', () => {
    const verdict = plain(formatVerdict(lab, 'labs/01-http-trigger', failing, undefined));
    expect(verdict).toContain('then run npm run lab:01 again');
  });
});

describe('the verdict on a solution (npm run lab:NN -- --solution)', () => {
  it('says the solution passes, not that the learner reached the checkpoint (the rehearsal)', () => {
    const passing: ChecksRun = {
      checks: [{ title: 'GET /api/hello answers 200', state: 'passed' }],
      errors: [],
      passed: true,
    };
    const verdict = plain(formatVerdict(lab, 'solutions/01-http-trigger', passing, undefined));
    expect(verdict).toContain('✓ The solution of lab 01 passes all 1 checks.');
    expect(verdict).toContain('Your own checkpoint 01 counts when npm run lab:01 passes on labs/01-http-trigger.');
    expect(verdict).not.toContain('Checkpoint 01 reached');
    expect(plain(formatVerdict(lab, 'labs/01-http-trigger', passing, undefined))).toContain('✓ Checkpoint 01 reached');
  });
});
