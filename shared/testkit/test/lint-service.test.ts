// Under `npm run lab -- --watch`, a check's lintFindings is answered by the ESLint the watching
// process keeps loaded (issue #14): the same findings as a cold ESLint, and when that service is
// gone, the check lints by itself.

import net from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../src/app-dir.ts';
import { LINT_SERVICE_ENV, lintFindings } from '../src/lint.ts';
import { startLintService, type LintService } from '../src/lint-service.ts';

// Lab 08's starter breaks the rule on purpose: its findings are not empty.
const starter = join(repoRoot, 'labs', '08-non-deterministic-code');
let service: LintService | undefined;
afterEach(async () => {
  delete process.env[LINT_SERVICE_ENV];
  await service?.stop();
  service = undefined;
});

describe('lintFindings', () => {
  it('is answered by the warm ESLint when there is one, with the findings of a cold one', async () => {
    const cold = await lintFindings(starter);
    expect(cold.length).toBeGreaterThan(0);
    service = await startLintService();
    Object.assign(process.env, service.env);
    expect(await lintFindings(starter)).toEqual(cold);
    expect(await lintFindings(starter)).toEqual(cold);
    expect(service.answered()).toBe(2);
  });

  it('closes a connection that sends no request, and goes on answering', async () => {
    service = await startLintService();
    const socket = net.connect(service.env[LINT_SERVICE_ENV]!);
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write('null\n');
    await closed;
    Object.assign(process.env, service.env);
    expect((await lintFindings(starter)).length).toBeGreaterThan(0);
    expect(service.answered()).toBe(1);
  });

  it('lints by itself when the warm ESLint is gone', async () => {
    service = await startLintService();
    const env = service.env;
    await service.stop();
    service = undefined;
    Object.assign(process.env, env);
    expect((await lintFindings(starter)).length).toBeGreaterThan(0);
  });
});
