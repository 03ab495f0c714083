import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localSwitchesOn, switchesOff, switchesOn, WORKSHOP_SWITCHES } from '../src/workshop-switches.ts';

describe('the workshop switches', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  const appWith = (settings: string | undefined) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-switches-'));
    dirs.push(dir);
    if (settings !== undefined) fs.writeFileSync(path.join(dir, 'local.settings.json'), settings);
    return dir;
  };

  it('names those a setting turns on, read as the host reads them', () => {
    expect(
      switchesOn({
        WORKSHOP_DURABLE_STRICT_64KB: 'false',
        WORKSHOP_DURABLE_PERTURB_REPLAY: 'TRUE',
        WORKSHOP_DURABLE_CRASH_AFTER_ACTIVITY: 'applyScale',
      }),
    ).toEqual(['WORKSHOP_DURABLE_PERTURB_REPLAY=TRUE', 'WORKSHOP_DURABLE_CRASH_AFTER_ACTIVITY=applyScale']);
    expect(switchesOn({ WORKSHOP_DURABLE_CRASH_AFTER_ACTIVITY: ' , ', WORKSHOP_DURABLE_STRICT_64KB: '1' })).toEqual([
      'WORKSHOP_DURABLE_STRICT_64KB=1',
    ]);
  });

  it('turns every one off with the empty value', () => {
    expect(Object.keys(switchesOff())).toEqual([...WORKSHOP_SWITCHES]);
    expect(switchesOn(switchesOff())).toEqual([]);
  });

  it("reads the app's local.settings.json, and finds none when it is absent or broken", () => {
    const values = { FUNCTIONS_WORKER_RUNTIME: 'node', WORKSHOP_DURABLE_CRASH_AFTER_ACTIVITY: 'applyScale' };
    expect(localSwitchesOn(appWith(JSON.stringify({ Values: values })))).toEqual([
      'WORKSHOP_DURABLE_CRASH_AFTER_ACTIVITY=applyScale',
    ]);
    expect(localSwitchesOn(appWith(undefined))).toEqual([]);
    expect(localSwitchesOn(appWith('{ "Values": '))).toEqual([]);
  });
});
