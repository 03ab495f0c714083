// startHost runs the app inside the calling process (one app per process): this file's worker.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../src/index.ts';
import { tempApp, type TempApp } from './helpers.ts';

let app: TempApp;
let host: RunningHost;
const logged: string[] = [];

beforeAll(async () => {
  app = tempApp({
    'package.json': JSON.stringify({ type: 'module', main: 'src/*.ts' }),
    'host.json': JSON.stringify({
      version: '2.0',
      logging: { logLevel: { default: 'Information', 'Function.quiet': 'Warning' } },
    }),
    'src/app.ts': `import { app } from '@azure/functions';
app.http('loud', { methods: ['GET'], authLevel: 'anonymous', handler: async (_req, ctx) => { ctx.log('loud info'); ctx.debug('loud debug'); return { body: process.env.IN_PROCESS_SETTING }; } });
app.http('quiet', { methods: ['GET'], authLevel: 'anonymous', handler: async (_req, ctx) => { ctx.log('quiet info'); ctx.warn('quiet warning'); return { status: 200 }; } });
app.hook.log((context) => { if (context.category === 'user') context.message = '[hooked] ' + context.message; });
app.hook.appTerminate(() => { console.log('terminate hook ran'); });
`,
  });
  host = await startHost({
    appDir: app.dir,
    port: 0,
    env: { IN_PROCESS_SETTING: 'set by env' },
    logWriter: (level, message) => logged.push(`${level}: ${message}`),
  });
});

afterAll(async () => {
  await host?.stop();
  app?.remove();
});

describe('startHost (in process)', () => {
  it('returns url, port and the functions', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}`);
    expect(host.functions.map((f) => f.name).sort()).toEqual(['loud', 'quiet']);
  });

  it('applies env to the app and serves it', async () => {
    expect(await (await fetch(`${host.url}/api/loud`)).text()).toBe('set by env');
  });

  it('filters function logs by host.json levels and lets log hooks rewrite user logs', async () => {
    await fetch(`${host.url}/api/quiet`);
    expect(logged).toContain('information: [hooked] loud info');
    expect(logged.some((l) => l.includes('loud debug'))).toBe(false);
    expect(logged.some((l) => l.includes('quiet info'))).toBe(false);
    expect(logged).toContain('warning: [hooked] quiet warning');
  });

  it('refuses a second app in the same process', async () => {
    await expect(startHost({ appDir: app.dir, port: 0 })).rejects.toThrow(/already runs a Functions app/);
  });
});
