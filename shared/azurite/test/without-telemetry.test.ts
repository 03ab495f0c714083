// Azurite runs with --disableTelemetry, yet requires its telemetry client (applicationinsights,
// the OpenTelemetry SDK and its exporters) when it loads: a third of its start-up (issue #14).
// The preload gives it an empty module instead; nothing else Azurite loads is touched.

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const preload = fileURLToPath(new URL('../src/without-telemetry.ts', import.meta.url));
// Resolved as Azurite's own telemetry module resolves it.
const telemetryModule = createRequire(import.meta.url).resolve('azurite/dist/src/common/Telemetry.js');

function exportsSeenByAzurite(specifier: string): string[] {
  const script = `const r = require('node:module').createRequire(${JSON.stringify(telemetryModule)}); console.log(JSON.stringify(Object.keys(r(${JSON.stringify(specifier)}))));`;
  return JSON.parse(
    execFileSync(process.execPath, ['--import', preload, '-e', script], { encoding: 'utf8' }),
  ) as string[];
}

describe("Azurite's preload without telemetry", () => {
  it('hands Azurite an empty module for applicationinsights, and the real one for anything else', () => {
    expect(exportsSeenByAzurite('applicationinsights')).toEqual([]);
    expect(exportsSeenByAzurite('tslib')).toContain('__importDefault');
  });
});
