// Lab 08's guide shows what `npm run lint -- 08` prints for the starter: the same lines and
// columns, or a learner hunts for a line that is not there (a newcomer walkthrough found the
// guide four edits behind the starter).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { lintFindings } from '@workshop/testkit';
import { repoRoot } from '../lib/manifest.ts';

it("lab 08's guide lists the starter's lint findings at their lines and columns", async () => {
  const lab = join(repoRoot, 'labs', '08-non-deterministic-code');
  const guide = readFileSync(join(lab, 'README.md'), 'utf8');
  const findings = await lintFindings(lab);
  expect(findings.length).toBeGreaterThan(0);
  for (const finding of findings) {
    // `src/functions/x.ts:47:21 new Date() in an orchestrator … (rule)`
    const [, position, message] = /^[^:]+:(\d+:\d+) (.{20})/.exec(finding)!;
    expect(guide, `the guide's listing should show ${position} ${message}…`).toMatch(
      new RegExp(`^\\s+${position}\\s+error\\s+${message!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'),
    );
  }
});
