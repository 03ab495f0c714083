// A learner sets a workshop switch in local.settings.json to watch a pitfall (lab 09, Step 2:
// WORKSHOP_DURABLE_CRASH_AFTER_ACTIVITY=applyScale) and forgets to take it out. A check's host
// must still run with exactly the switches the check asks for: those it passes, and no other.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLabApp, type LabApp } from '../src/index.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const durableApp = fileURLToPath(new URL('../../host/test/durable/fixtures/durable-app', import.meta.url));

const CRASH = 'WORKSHOP_DURABLE_CRASH_AFTER_ACTIVITY';
const PERTURB = 'WORKSHOP_DURABLE_PERTURB_REPLAY';
const STRICT = 'WORKSHOP_DURABLE_STRICT_64KB';

describe("startLabApp and the workshop switches of the app's local.settings.json", () => {
  let dir: string;
  let app: LabApp | undefined;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-switches-'));
    fs.cpSync(durableApp, dir, { recursive: true });
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    // Every switch on, as a learner may have left them.
    const values = { FUNCTIONS_WORKER_RUNTIME: 'node', [CRASH]: 'sayHello', [PERTURB]: 'true', [STRICT]: 'true' };
    fs.writeFileSync(path.join(dir, 'local.settings.json'), JSON.stringify({ IsEncrypted: false, Values: values }));
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const start = async (lab: LabApp, name: string) => {
    const res = await lab.fetch(`/runtime/webhooks/durabletask/orchestrators/${name}`, { method: 'POST' });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  };

  it('turns off every switch the check does not pass: the host neither crashes nor warns', async () => {
    app = await startLabApp({ dir });
    const id = await start(app, 'helloSequence');
    const status = await app.waitForCompletion(id, { timeoutMs: 20_000 });
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual(['Hello Tokyo', 'Hello Seattle', 'Hello Cairo']);
    const logs = app.logs();
    for (const name of [CRASH, PERTURB, STRICT]) expect(logs, `the host's log on ${name}`).not.toContain(name);
    expect(logs).not.toContain('SIGKILL');
  });

  it('keeps the switch a check passes, and only that one', async () => {
    app = await startLabApp({ dir, env: { [STRICT]: 'true' } });
    const logs = app.logs();
    expect(logs).toContain(`${STRICT} is on`);
    expect(logs).not.toContain(CRASH);
    expect(logs).not.toContain(PERTURB);
  });
});
