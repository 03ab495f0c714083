// npm start's host (host-restarter.ts), stopped as npm start stops it.

import { afterEach, describe, expect, it } from 'vitest';
import { tempApp, type TempApp } from '../../shared/host/test/helpers.ts';
import { HostRestarter } from '../lib/host-restarter.ts';

let app: TempApp | undefined;
afterEach(() => {
  app?.remove();
  app = undefined;
});

describe('the host npm start serves', () => {
  it('is stopped with the signal the learner sent: after Ctrl+C its log says SIGINT, not SIGTERM (the walkthrough)', async () => {
    app = tempApp({
      'package.json': JSON.stringify({ name: 'x', type: 'module', main: 'src/*.js' }),
      'host.json': JSON.stringify({ version: '2.0' }),
      'src/a.js': `import { app } from '@azure/functions';
app.http('ping', { methods: ['GET'], authLevel: 'anonymous', handler: async () => ({ body: 'pong' }) });
`,
    });
    const lines: string[] = [];
    const restarter = new HostRestarter({ appDir: app.dir, port: 0, onOutput: (line) => lines.push(line) });
    const host = await restarter.start();
    expect(host, lines.join('\n')).toBeDefined();
    await restarter.stop('SIGINT');
    expect(lines.join('\n')).toContain('SIGINT received; stopping the host.');
  });
});
