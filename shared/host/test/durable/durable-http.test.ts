// Durable HTTP: context.df.callHttp runs as the extension's built-in activity `BuiltIn::HttpActivity`
// (TaskHttpActivityShim), and a 202 with Location is polled by the orchestration itself with durable
// timers (DurableOrchestrationContext.CallHttpAsync). The targets are a loopback server this test
// starts; the polling interval runs under the virtual clock.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import { taskHubKey } from '../../src/index.ts';
import { fixture } from '../helpers.ts';
import {
  startAzurite,
  startDurableHost,
  startOrchestration,
  waitForStatus,
  type Status,
  type TestAzurite,
} from './durable-helpers.ts';

const HTTP_APP = fixture('../durable/fixtures/durable-http-app');
const EXTENSION_USER_AGENT = 'Microsoft.Azure.WebJobs.Extensions.DurableTask/2.13.7';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let azurite: TestAzurite;
let host: SpawnedHost;
let server: http.Server;
let base: string;
const seen: Seen[] = [];
const jobPolls = new Map<string, number>();

function respond(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
  const path = new URL(req.url ?? '/', base).pathname;
  if (path === '/hello') {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Custom': 'yes' }).end('hello, durable');
  } else if (path === '/echo') {
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ method: req.method, contentType: req.headers['content-type'], body }));
  } else if (path === '/boom') {
    res.writeHead(500, { 'Content-Type': 'text/plain' }).end('it broke');
  } else if (path.startsWith('/jobs/') && path.endsWith('/start-no-retry-after')) {
    const job = path.split('/')[2]!;
    jobPolls.set(job, 1); // the first poll answers 200
    res.writeHead(202, { Location: `${base}/jobs/${job}/status` }).end();
  } else if (path.startsWith('/jobs/') && path.endsWith('/start')) {
    const job = path.split('/')[2]!;
    res.writeHead(202, { Location: `${base}/jobs/${job}/status`, 'Retry-After': '10' }).end();
  } else if (path.startsWith('/jobs/') && path.endsWith('/status')) {
    const job = path.split('/')[2]!;
    const polls = (jobPolls.get(job) ?? 0) + 1;
    jobPolls.set(job, polls);
    if (polls < 2) res.writeHead(202, { Location: `${base}/jobs/${job}/status`, 'Retry-After': '10' }).end();
    else res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`job ${job} done`);
  } else {
    res.writeHead(404).end();
  }
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      respond(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  azurite = await startAzurite();
  host = await startDurableHost(azurite, { appDir: HTTP_APP, clock: 'virtual' });
});
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
  await new Promise((resolve) => server?.close(resolve));
});

type Row = Record<string, unknown> & { rowKey: string; EventType: string };

async function historyRows(id: string): Promise<Row[]> {
  const table = TableClient.fromConnectionString(azurite.connectionString, 'HttpTestsHistory', {
    allowInsecureConnection: true,
  });
  const rows: Row[] = [];
  for await (const row of table.listEntities<Row>({
    queryOptions: { filter: `PartitionKey eq '${taskHubKey(id)}'` },
  }))
    if (row.rowKey !== 'sentinel') rows.push(row);
  return rows.sort((a, b) => a.rowKey.localeCompare(b.rowKey));
}

/** The scheduling and completion rows, without the OrchestratorStarted/Completed around them. */
function tasks(rows: Row[]): Array<Record<string, unknown>> {
  return rows
    .filter((r) => ['TaskScheduled', 'TaskCompleted', 'TaskFailed', 'TimerCreated', 'TimerFired'].includes(r.EventType))
    .map((r) => {
      const out: Record<string, unknown> = { EventType: r.EventType };
      for (const key of ['EventId', 'Name', 'TaskScheduledId', 'TimerId'])
        if (r[key] !== undefined && !(key === 'EventId' && r[key] === -1)) out[key] = r[key];
      return out;
    });
}

async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}\n${host.logs().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function requestsTo(path: string): Seen[] {
  return seen.filter((s) => s.url === path);
}

function output(status: Status): { statusCode: number; headers: Record<string, unknown>; content: string } {
  return status.output as { statusCode: number; headers: Record<string, unknown>; content: string };
}

describe('callHttp', () => {
  it('GETs a loopback URL as BuiltIn::HttpActivity and hands the SDK the DurableHttpResponse', async () => {
    const { id } = await startOrchestration(host, 'callOnce', { method: 'GET', url: `${base}/hello` });
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus, JSON.stringify(done.output)).toBe('Completed');
    const response = output(done);
    expect(response.statusCode).toBe(200);
    expect(response.content).toBe('hello, durable');
    // Response headers only: .NET keeps Content-Type and Content-Length on the content.
    expect(response.headers).toMatchObject({ 'X-Custom': 'yes', Connection: 'keep-alive' });
    expect(Object.keys(response.headers)).toContain('Date');
    expect(Object.keys(response.headers).map((k) => k.toLowerCase())).not.toContain('content-type');
    expect(Object.keys(response.headers).map((k) => k.toLowerCase())).not.toContain('content-length');

    const request = requestsTo('/hello').at(-1)!;
    expect(request.method).toBe('GET');
    expect(request.headers['user-agent']).toBe(EXTENSION_USER_AGENT);

    const rows = await historyRows(id);
    expect(tasks(rows)).toEqual([
      { EventType: 'TaskScheduled', EventId: 0, Name: 'BuiltIn::HttpActivity' },
      { EventType: 'TaskCompleted', TaskScheduledId: 0 },
    ]);
    // DTFx's parameter array around the DurableHttpRequest, as Newtonsoft writes it.
    const scheduled = rows.find((r) => r.EventType === 'TaskScheduled')!;
    expect(scheduled.Input).toBe(
      JSON.stringify([
        {
          method: 'GET',
          uri: `${base}/hello`,
          headers: {},
          content: null,
          tokenSource: null,
          asynchronousPatternEnabled: true,
          retryOptions: null,
          timeout: null,
        },
      ]),
    );
    const completed = JSON.parse(String(rows.find((r) => r.EventType === 'TaskCompleted')!.Result)) as object;
    expect(Object.keys(completed)).toEqual(['statusCode', 'headers', 'content']);
    expect(completed).toMatchObject({ statusCode: 200, content: 'hello, durable' });
  });

  it('POSTs the headers and content as given (an object body as JSON)', async () => {
    const { id } = await startOrchestration(host, 'callOnce', {
      method: 'POST',
      url: `${base}/echo`,
      headers: { 'Content-Type': 'application/json', 'X-Trace': 'abc' },
      body: { name: 'Ada', n: 1 },
    });
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus, JSON.stringify(done.output)).toBe('Completed');
    expect(JSON.parse(output(done).content)).toEqual({
      method: 'POST',
      contentType: 'application/json',
      body: '{"name":"Ada","n":1}',
    });
    const request = requestsTo('/echo').at(-1)!;
    expect(request.headers['x-trace']).toBe('abc');
    expect(request.headers['content-length']).toBe('20');
    const scheduled = (await historyRows(id)).find((r) => r.EventType === 'TaskScheduled')!;
    expect(JSON.parse(String(scheduled.Input))).toEqual([
      {
        method: 'POST',
        uri: `${base}/echo`,
        headers: { 'Content-Type': 'application/json', 'X-Trace': 'abc' },
        content: '{"name":"Ada","n":1}',
        tokenSource: null,
        asynchronousPatternEnabled: true,
        retryOptions: null,
        timeout: null,
      },
    ]);
  });

  it('polls a 202 with Location in the orchestration: a durable timer of Retry-After seconds, then a GET of Location, until the 200', async () => {
    const { id } = await startOrchestration(host, 'callOnce', {
      method: 'POST',
      url: `${base}/jobs/a/start`,
      headers: { 'x-functions-key': 'secret', 'X-Trace': 'abc' },
      body: 'go',
      thenActivity: true,
    });
    await until(async () => {
      const rows = await historyRows(id);
      return rows.find((r) => r.EventType === 'TimerCreated');
    }, 'the first polling timer');
    // Nothing polls before the timer fires.
    expect(requestsTo('/jobs/a/status')).toHaveLength(0);
    await host.advanceClock(10_000);
    await until(async () => {
      const rows = await historyRows(id);
      return rows.filter((r) => r.EventType === 'TimerCreated').length === 2 ? true : undefined;
    }, 'the second polling timer');
    expect(requestsTo('/jobs/a/status')).toHaveLength(1);
    await host.advanceClock(10_000);
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus, JSON.stringify(done.output)).toBe('Completed');
    expect(output(done)).toMatchObject({ statusCode: 200, content: 'job a done', after: 'after a 200' });

    const rows = await historyRows(id);
    expect(tasks(rows)).toEqual([
      { EventType: 'TaskScheduled', EventId: 0, Name: 'BuiltIn::HttpActivity' },
      { EventType: 'TaskCompleted', TaskScheduledId: 0 },
      { EventType: 'TimerCreated', EventId: 1 },
      { EventType: 'TimerFired', TimerId: 1 },
      { EventType: 'TaskScheduled', EventId: 2, Name: 'BuiltIn::HttpActivity' },
      { EventType: 'TaskCompleted', TaskScheduledId: 2 },
      { EventType: 'TimerCreated', EventId: 3 },
      { EventType: 'TimerFired', TimerId: 3 },
      { EventType: 'TaskScheduled', EventId: 4, Name: 'BuiltIn::HttpActivity' },
      { EventType: 'TaskCompleted', TaskScheduledId: 4 },
      // The SDK numbered the timers and polls too: its next task is #5.
      { EventType: 'TaskScheduled', EventId: 5, Name: 'afterHttp' },
      { EventType: 'TaskCompleted', TaskScheduledId: 5 },
    ]);
    const completed = rows.filter((r) => r.EventType === 'TaskCompleted');
    expect(JSON.parse(String(completed[0]!.Result))).toMatchObject({
      statusCode: 202,
      headers: { Location: `${base}/jobs/a/status`, 'Retry-After': '10' },
      content: '',
    });
    // The timer fires Retry-After seconds after the orchestration learned of the 202.
    const timers = rows.filter((r) => r.EventType === 'TimerCreated');
    const started = rows.filter((r) => r.EventType === 'OrchestratorStarted');
    for (const timer of timers) {
      const episodeStart = started.filter((s) => s.rowKey < timer.rowKey).at(-1)!;
      const startedAt = new Date(String(episodeStart._Timestamp ?? episodeStart.Timestamp)).getTime();
      expect(new Date(String(timer.FireAt)).getTime() - startedAt).toBe(10_000);
    }
    // The polls: GET of Location, the first request's headers without x-functions-key, no content.
    const poll = JSON.parse(String(rows.filter((r) => r.EventType === 'TaskScheduled')[1]!.Input)) as unknown[];
    expect(poll).toEqual([
      {
        method: 'GET',
        uri: `${base}/jobs/a/status`,
        headers: { 'X-Trace': 'abc' },
        content: null,
        tokenSource: null,
        asynchronousPatternEnabled: true,
        retryOptions: null,
        timeout: null,
      },
    ]);
    const polls = requestsTo('/jobs/a/status');
    expect(polls.map((p) => p.method)).toEqual(['GET', 'GET']);
    expect(polls[0]!.headers['x-functions-key']).toBeUndefined();
    expect(polls[0]!.headers['x-trace']).toBe('abc');
    expect(requestsTo('/jobs/a/start')[0]!.headers['x-functions-key']).toBe('secret');
  });

  it('waits the default 30 s (HttpOptions.DefaultAsyncRequestSleepTimeMilliseconds) when a 202 has no Retry-After', async () => {
    const { id } = await startOrchestration(host, 'callOnce', {
      method: 'GET',
      url: `${base}/jobs/c/start-no-retry-after`,
    });
    const timer = await until(
      async () => (await historyRows(id)).find((r) => r.EventType === 'TimerCreated'),
      'the timer',
    );
    const rows = await historyRows(id);
    const episodeStart = rows.filter((r) => r.EventType === 'OrchestratorStarted' && r.rowKey < timer.rowKey).at(-1)!;
    expect(new Date(String(timer.FireAt)).getTime() - new Date(String(episodeStart._Timestamp)).getTime()).toBe(30_000);
    await host.advanceClock(29_999);
    expect(requestsTo('/jobs/c/status')).toHaveLength(0);
    await host.advanceClock(1);
    const done = await waitForStatus(host, id);
    expect(output(done)).toMatchObject({ statusCode: 200, content: 'job c done' });
    expect(requestsTo('/jobs/c/status')).toHaveLength(1);
  });

  it('with enablePolling false hands the 202 to the orchestrator as it is', async () => {
    const { id } = await startOrchestration(host, 'callOnce', {
      method: 'POST',
      url: `${base}/jobs/b/start`,
      enablePolling: false,
    });
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus, JSON.stringify(done.output)).toBe('Completed');
    expect(output(done)).toMatchObject({ statusCode: 202, headers: { Location: `${base}/jobs/b/status` } });
    expect(tasks(await historyRows(id))).toEqual([
      { EventType: 'TaskScheduled', EventId: 0, Name: 'BuiltIn::HttpActivity' },
      { EventType: 'TaskCompleted', TaskScheduledId: 0 },
    ]);
    expect(requestsTo('/jobs/b/status')).toHaveLength(0);
  });

  it('hands a 500 to the orchestrator as a response, not a failure', async () => {
    const { id } = await startOrchestration(host, 'callOnce', { method: 'GET', url: `${base}/boom` });
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus, JSON.stringify(done.output)).toBe('Completed');
    expect(output(done)).toMatchObject({ statusCode: 500, content: 'it broke' });
    expect(tasks(await historyRows(id))).toEqual([
      { EventType: 'TaskScheduled', EventId: 0, Name: 'BuiltIn::HttpActivity' },
      { EventType: 'TaskCompleted', TaskScheduledId: 0 },
    ]);
  });

  it('fails the task (TaskFailed) when the connection is refused, with HttpRequestException’s message', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { id } = await startOrchestration(host, 'callOnce', { method: 'GET', url: `http://127.0.0.1:${port}/x` });
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus).toBe('Failed');
    const rows = await historyRows(id);
    expect(tasks(rows)).toEqual([
      { EventType: 'TaskScheduled', EventId: 0, Name: 'BuiltIn::HttpActivity' },
      { EventType: 'TaskFailed', TaskScheduledId: 0 },
    ]);
    const failed = rows.find((r) => r.EventType === 'TaskFailed')!;
    expect(failed.Reason).toBe(`Connection refused (127.0.0.1:${port})`);
    expect(JSON.parse(String(failed.Details))).toMatchObject({ ClassName: 'System.Net.Http.HttpRequestException' });
    expect(String(done.output)).toContain(
      `Orchestrator function 'callOnce' failed: Connection refused (127.0.0.1:${port})`,
    );
  });

  it('refuses a managed identity token source: the instance fails saying the local host cannot get Azure AD tokens', async () => {
    const before = seen.length;
    const { id } = await startOrchestration(host, 'callOnce', {
      method: 'GET',
      url: `${base}/hello`,
      tokenResource: 'https://management.core.windows.net',
    });
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus).toBe('Failed');
    expect(String(done.output)).toContain('cannot get Azure AD tokens');
    expect(seen.length).toBe(before); // nothing was sent
    const rows = await historyRows(id);
    const scheduled = rows.find((r) => r.EventType === 'TaskScheduled')!;
    expect((JSON.parse(String(scheduled.Input)) as Array<{ tokenSource: unknown }>)[0]!.tokenSource).toEqual({
      kind: 'AzureManagedIdentity',
      resource: 'https://management.core.windows.net/.default',
    });
    expect(tasks(rows).map((t) => t.EventType)).toEqual(['TaskScheduled', 'TaskFailed']);
  });
});
