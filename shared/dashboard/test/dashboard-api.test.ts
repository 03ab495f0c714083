// The dashboard's API on a real host (the engine's fixture app, Azurite): what a page reads,
// what it may do, and what any other web page in the learner's browser may not.

import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpawnedHost } from '@workshop/host';
import {
  startAzurite,
  startDurableHost,
  waitForStatus,
  type TestAzurite,
} from '../../host/test/durable/durable-helpers.ts';
import type { InstanceDetail, InstancePage } from '../src/wire.ts';

let azurite: TestAzurite;
let host: SpawnedHost;
let token: string;

beforeAll(async () => {
  azurite = await startAzurite();
  host = await startDurableHost(azurite);
  const page = await (await fetch(`${host.url}/dashboard/`)).text();
  token = /name="dashboard-token" content="([^"]+)"/.exec(page)![1]!;
});
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
});

/** A GET with the Host header of our choosing (fetch will not send one that differs from the URL). */
function withHost(path: string, hostHeader: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: host.port, path, headers: { host: hostHeader } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

const api = (path: string, init?: RequestInit) => fetch(`${host.url}/dashboard/api/${path}`, init);
const act = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  api(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-dashboard-token': token, ...headers },
    body: JSON.stringify(body),
  });

describe('the dashboard page', () => {
  it('is served with a policy that allows nothing from another origin, and a token for its actions', async () => {
    const response = await fetch(`${host.url}/dashboard/`);
    expect(response.status).toBe(200);
    const policy = response.headers.get('content-security-policy')!;
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toMatch(/https?:|\*/);
    expect(token).toMatch(/^[\w-]{20,}$/);
    const script = await fetch(`${host.url}/dashboard/assets/main.ts`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).not.toMatch(/: HubInfo|import type/);
    expect((await fetch(`${host.url}/dashboard/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
  });

  it('answers only Host names of this machine, like the management API', async () => {
    for (const path of ['/dashboard/', '/dashboard/api/instances', '/runtime/webhooks/durabletask/instances']) {
      const response = await withHost(path, 'rebound.example:7071');
      expect(response.status, path).toBe(403);
      expect(response.body).toMatch(/addressed to this machine/);
    }
    expect((await withHost('/dashboard/api/instances', `localhost:${host.port}`)).status).toBe(200);
    expect((await withHost('/dashboard/api/instances', `[::1]:${host.port}`)).status).toBe(200);
  });
});

describe('actions', () => {
  it('refuses a cross-origin text/plain POST, the request any web page can send, and starts nothing', async () => {
    const before = (await (await api('instances')).json()) as InstancePage;
    const forged = await api('instances', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'http://evil.example' },
      body: '{"name":"helloSequence"}',
    });
    expect(forged.status).toBe(403);
    const noToken = await api('instances', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"helloSequence"}',
    });
    expect(noToken.status).toBe(403);
    const crossSite = await act('instances', { name: 'helloSequence' }, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const after = (await (await api('instances')).json()) as InstancePage;
    expect(after.counts).toEqual(before.counts);
  });

  it('starts an orchestration with a JSON input, and says what is wrong with one that is not JSON', async () => {
    const bad = await act('instances', { name: 'helloSequence', input: "['Ada']" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/input is not valid JSON/);
    const unknown = await act('instances', { name: 'noSuchOrchestrator' });
    expect(unknown.status).toBe(400);
    const started = await act('instances', { name: 'parent', instanceId: 'dash-parent' });
    expect(started.status).toBe(202);
    expect(await started.json()).toEqual({ id: 'dash-parent' });
    expect((await waitForStatus(host, 'dash-parent')).runtimeStatus).toBe('Completed');
  });

  it('shows one instance: full history, children, telemetry of its episodes and of when its activities were picked up', async () => {
    const child = (await (await api('instances/dash-parent-child')).json()) as InstanceDetail;
    expect(child.instance.parent).toEqual({ instanceId: 'dash-parent', name: 'parent' });
    const types = child.history.map((r) => r.type);
    expect(types).toContain('OrchestratorStarted');
    expect(types).toContain('TaskScheduled');
    const activities = child.timeline.filter((b) => b.kind === 'activity');
    expect(activities.length).toBeGreaterThan(0);
    for (const bar of activities) {
      expect(bar.pickedUp, bar.label).toBeDefined();
      expect(new Date(bar.pickedUp!).getTime()).toBeGreaterThanOrEqual(new Date(bar.start).getTime());
      expect(new Date(bar.end!).getTime()).toBeGreaterThanOrEqual(new Date(bar.pickedUp!).getTime());
    }
    expect(child.episodes.every((e) => e.seen?.ran)).toBe(true);
    const parent = (await (await api('instances/dash-parent')).json()) as InstanceDetail;
    expect(parent.instance.children.map((c) => c.instanceId)).toContain('dash-parent-child');
    expect(parent.unseen).toBe(false);
  });

  it('filters by name and counts per status, and pages newest first', async () => {
    const page = (await (await api('instances?name=parent&top=1')).json()) as InstancePage;
    expect(page.instances.map((i) => i.instanceId)).toEqual(['dash-parent']);
    expect(page.counts.Completed).toBe(1);
    await act('instances', { name: 'helloSequence', instanceId: 'dash-order-a' });
    await waitForStatus(host, 'dash-order-a'); // so that b is created a moment later
    await act('instances', { name: 'helloSequence', instanceId: 'dash-order-b' });
    const newest = (await (await api('instances?top=2')).json()) as InstancePage;
    // Started last, listed first, although the table keeps 'a' before 'b'.
    expect(newest.instances.map((i) => i.instanceId)).toEqual(['dash-order-b', 'dash-order-a']);
    const second = (await (await api('instances?top=2&page=1')).json()) as InstancePage;
    expect([second.page, second.pageSize, second.total]).toEqual([1, 2, newest.total]);
    expect(second.instances.map((i) => i.instanceId)).not.toContain('dash-order-a');
    const bad = await api('instances?createdTimeFrom=yesterday');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/createdTimeFrom/);
    expect((await api('instances/no-such-instance')).status).toBe(404);
  });

  it('raises an event, and terminates and purges in bulk what the filter matches', async () => {
    for (const id of ['dash-wait-1', 'dash-wait-2', 'dash-wait-3'])
      expect((await act('instances', { name: 'approval', instanceId: id })).status).toBe(202);
    await Promise.all(
      ['dash-wait-1', 'dash-wait-2', 'dash-wait-3'].map((id) =>
        waitForStatus(host, id, (s) => s.runtimeStatus === 'Running'),
      ),
    );
    expect((await act('instances/dash-wait-1/raise-event', { name: 'Approval', data: '"Grace"' })).status).toBe(202);
    expect(((await waitForStatus(host, 'dash-wait-1')).output as { by: string }).by).toBe('Grace');
    const terminated = await act('bulk', { action: 'terminate', query: 'instanceIdPrefix=dash-wait-' });
    expect(await terminated.json()).toEqual({ affected: 2 });
    await waitForStatus(host, 'dash-wait-3');
    const purged = await act('bulk', {
      action: 'purge',
      query: 'instanceIdPrefix=dash-wait-&runtimeStatus=Terminated',
    });
    expect(await purged.json()).toEqual({ affected: 2 });
    const left = (await (await api('instances?instanceIdPrefix=dash-wait-')).json()) as InstancePage;
    expect(left.instances.map((i) => [i.instanceId, i.runtimeStatus])).toEqual([['dash-wait-1', 'Completed']]);
  });

  it('rewinds a failed instance, and refuses one that has not failed with a 409 that says why', async () => {
    const key = `dash-rewind-${Date.now()}`;
    const started = await act('instances', { name: 'rewindable', instanceId: key, input: JSON.stringify(key) });
    expect(started.status).toBe(202);
    expect((await waitForStatus(host, key)).runtimeStatus).toBe('Failed');
    expect((await act(`instances/${key}/rewind`, { reason: 'fixed' })).status).toBe(202);
    const done = await waitForStatus(host, key);
    expect([done.runtimeStatus, done.output]).toEqual(['Completed', ['Hello before', 'succeeded on attempt 2']]);
    const again = await act(`instances/${key}/rewind`, {});
    expect([again.status, await again.json()]).toEqual([
      409,
      { message: 'Only a failed instance can be rewound; this one is Completed.' },
    ]);
  });

  it('tells an open page which instances changed, as server-sent events', async () => {
    const controller = new AbortController();
    const stream = await fetch(`${host.url}/dashboard/api/live`, { signal: controller.signal });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = stream.body!.getReader();
    let text = '';
    await act('instances', { name: 'helloSequence', instanceId: 'dash-live' });
    while (!/event: change\ndata: .*dash-live/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toMatch(/event: change\ndata: \{"ids":\[.*"dash-live"/);
  });

  it('refuses to move the real clock, with the way to a virtual one', async () => {
    const response = await act('clock', { ms: 60_000 });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { message: string }).message).toMatch(/--clock virtual/);
  });

  it('ends its event streams when the host stops, so an open page never holds the host up', async () => {
    const stream = await fetch(`${host.url}/dashboard/api/live`);
    const reader = stream.body!.getReader();
    await reader.read(); // the hello
    const [ended] = await Promise.all([
      (async () => {
        for (;;) {
          const { done } = await reader.read();
          if (done) return 'ended';
        }
      })(),
      host.stop(),
    ]);
    // A stream the server had not ended would be cut when the grace period ran out: an error, not an end.
    expect(ended).toBe('ended');
  });
});
