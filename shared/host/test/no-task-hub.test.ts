// Found by the newcomer walkthrough of issue #14: /dashboard/ of an app without durable
// functions answered the host's empty 404, a blank page in a browser. It now says why, in the
// JSON every other error of the host uses; a route nobody takes still gets the empty 404 the
// Functions host sends.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHost, type SpawnedHost } from '../src/index.ts';
import { fixture } from './helpers.ts';

describe('the dashboard of an app without durable functions', () => {
  let host: SpawnedHost;
  beforeAll(async () => {
    host = await spawnHost({ appDir: fixture('http-app'), port: 0 });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('answers 404 with a JSON message that says there is no task hub', async () => {
    for (const path of ['/dashboard', '/dashboard/', '/dashboard/api/instances']) {
      const res = await fetch(`${host.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/json/);
      const body = (await res.json()) as { message?: string };
      expect(body.message, path).toContain('no durable functions');
    }
  });

  it('leaves any other path to the host: an empty 404 for a route nobody takes', async () => {
    const res = await fetch(`${host.url}/dashboards`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('');
  });
});
