// The host as a learner's app sees it: started in its own process with spawnHost, called over HTTP.

import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHost, type SpawnedHost } from '../src/index.ts';
import { eventually, fixture } from './helpers.ts';

let host: SpawnedHost;
const lines: string[] = [];

beforeAll(async () => {
  host = await spawnHost({ appDir: fixture('http-app'), port: 0, onOutput: (line) => lines.push(line) });
  // The console arrives through a pipe, the "ready" message through IPC: either may come first.
  await eventually(() => lines.some((l) => l.endsWith('Job host started')), 10_000, 'the startup logs');
});

afterAll(async () => {
  await host?.stop();
});

const get = (path: string, init?: RequestInit) => fetch(new URL(path, host.url), init);

describe('registration', () => {
  it('captures every function the app registers, with trigger, methods and URL', () => {
    const byName = Object.fromEntries(host.functions.map((f) => [f.name, f]));
    expect(Object.keys(byName).sort()).toEqual(
      ['anyMethod', 'binary', 'boom', 'custom', 'echo', 'hello', 'itemById', 'itemSpecial', 'json', 'nothing'].sort(),
    );
    expect(byName.hello).toEqual({
      name: 'hello',
      trigger: 'httpTrigger',
      methods: ['GET', 'POST'],
      url: `${host.url}/api/hello/{name?}`,
    });
    expect(byName.anyMethod).toEqual({ name: 'anyMethod', trigger: 'httpTrigger', url: `${host.url}/api/any` });
    expect(byName.json!.url).toBe(`${host.url}/api/json`);
  });

  it('listens on 127.0.0.1 only and prints the function list like func start', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.logs()).toContain('Functions:');
    expect(host.logs()).toContain(`        hello: [GET,POST] ${host.url}/api/hello/{name?}`);
    expect(host.logs()).toMatch(/Host started/);
  });

  it('ran the appStart hook before serving', () => {
    expect(host.logs()).toContain('appStart hook ran');
  });
});

describe('routing', () => {
  it('serves optional route parameters', async () => {
    expect(await (await get('/api/hello/Ada')).json()).toEqual({ greeting: 'Hello, Ada!' });
    expect(await (await get('/api/hello?name=Bob')).json()).toEqual({ greeting: 'Hello, Bob!' });
    expect(await (await get('/api/hello')).json()).toEqual({ greeting: 'Hello, world!' });
  });

  it('matches routes case-insensitively', async () => {
    const res = await get('/API/Hello/Eve');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ greeting: 'Hello, Eve!' });
  });

  it('strips constraints and fills catch-all parameters', async () => {
    const res = await get('/api/echo/42/a/b%20c/d.txt');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { params: Record<string, string> };
    expect(body.params).toEqual({ id: '42', rest: 'a/b c/d.txt' });
  });

  it('does not match when a constraint fails', async () => {
    expect((await get('/api/echo/not-a-number/x')).status).toBe(404);
  });

  it('prefers the literal route over the parameter route', async () => {
    expect(await (await get('/api/items/special')).text()).toBe('special item');
    expect(await (await get('/api/items/7')).text()).toBe('item 7');
  });

  it('answers 404 with an empty body for unknown routes', async () => {
    const res = await get('/api/does-not-exist');
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('');
    expect((await get('/hello')).status).toBe(404); // no route prefix
  });

  it('answers 404 for a method the function does not accept, like the Functions host, and says why in the log', async () => {
    const res = await get('/api/hello', { method: 'DELETE' });
    expect(res.status).toBe(404);
    await eventually(
      () =>
        lines.some((l) => l.includes("DELETE /api/hello: function 'hello' has this route but accepts only GET, POST")),
      5000,
      'the 404 hint',
    );
  });

  it('accepts every method when the trigger lists none', async () => {
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND']) {
      const res = await get('/api/any', { method });
      expect(res.status, method).toBe(200);
      expect(await res.text()).toBe(method);
    }
  });

  it('serves the home page at /', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html');
  });
});

describe('requests reach the handler as the real host sends them', () => {
  it('passes method, full URL, query, headers and body', async () => {
    const res = await get('/api/echo/5/x?b=2&a=1&a=3&empty=', {
      method: 'POST',
      headers: { 'X-Trace': 'abc', 'content-type': 'text/plain' },
      body: 'hello body',
    });
    const body = (await res.json()) as Record<string, any>;
    expect(body.functionName).toBe('echo');
    expect(body.method).toBe('POST');
    expect(body.url).toBe(`${host.url}/api/echo/5/x?b=2&a=1&a=3&empty=`);
    expect(body.query).toEqual({ b: '2', a: '1,3', empty: '' });
    expect(body.headers['x-trace']).toBe('abc');
    expect(body.headers['content-type']).toBe('text/plain');
    expect(body.body).toBe('hello body');
  });

  it('drops the body of GET requests, as the library does', async () => {
    const res = await get('/api/echo/5');
    expect(((await res.json()) as { body: string }).body).toBe('');
  });

  it('parses JSON bodies in the handler', async () => {
    const res = await get('/api/json', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":2,"b":3}',
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ sum: 5 });
  });

  it('keeps binary bodies intact', async () => {
    const bytes = new Uint8Array([0, 255, 1, 254, 128]);
    const res = await get('/api/echo/1', { method: 'POST', body: bytes });
    expect(res.status).toBe(200);
  });

  it('runs preInvocation hooks before the handler', async () => {
    const body = (await (await get('/api/echo/1')).json()) as { hookData: string };
    expect(body.hookData).toBe('pre:echo');
  });
});

describe('responses', () => {
  it('sends status, headers, cookies and body from the function', async () => {
    const res = await get('/api/custom');
    expect(res.status).toBe(418);
    expect(res.headers.get('x-custom')).toBe('yes');
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.getSetCookie()).toEqual(['session=abc; path=/; samesite=lax; httponly']);
    expect(await res.text()).toBe('short and stout');
  });

  it('sends binary bodies byte for byte', async () => {
    const res = await get('/api/binary');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([0, 1, 2, 253, 254, 255]));
  });

  it('answers 204 when the function returns nothing', async () => {
    const res = await get('/api/nothing');
    expect(res.status).toBe(204);
  });

  it('answers 500 with an empty body when the function throws, and logs the error with its stack', async () => {
    const res = await get('/api/boom');
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('');
    const failure = await eventually(
      () => lines.find((l) => l.includes("Executed 'Functions.boom' (Failed")),
      5000,
      'the failure line',
    );
    expect(failure).toMatch(
      /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] Executed 'Functions\.boom' \(Failed, Id=[0-9a-f-]{36}, Duration=\d+ms\)$/,
    );
    await eventually(
      () => lines.some((l) => l.trimStart().startsWith('Stack: Error: kaboom from the handler')),
      5000,
      'the stack',
    );
    expect(host.logs()).toContain('Exception: kaboom from the handler');
    expect(host.logs()).toMatch(/Stack: Error: kaboom from the handler\n\s+at .*responses\.ts/);
  });
});

describe('logs', () => {
  it('prints function logs with a timestamp, between Executing and Executed', async () => {
    await get('/api/hello/Logger');
    const greeting =
      (await eventually(() => lines.findIndex((l) => / Greeting Logger$/.test(l)) + 1, 15_000, 'the greeting log')) - 1;
    expect(lines[greeting]).toMatch(/^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] Greeting Logger$/);
    expect(lines[greeting - 1]).toMatch(
      /Executing 'Functions\.hello' \(Reason='This function was programmatically called via the host APIs\.', Id=/,
    );
    await eventually(
      () => lines.slice(greeting).some((l) => l.includes("Executed 'Functions.hello' (Succeeded")),
      5000,
      'Executed',
    );
  });

  it('prints what a request puts into a log as text: no forged host line, no terminal escape', async () => {
    const forged = '[2026-01-01T00:00:00.000Z] Host started FORGED';
    const res = await get(`/api/hello/Mallory${encodeURIComponent(`\n${forged}\u001b[31m`)}`);
    expect(res.status).toBe(200);
    const greeting = await eventually(
      () => lines.find((l) => l.includes('Greeting Mallory')),
      5000,
      'the greeting log',
    );
    expect(greeting).toMatch(/^\[\d{4}-\d\d-\d\dT[\d:.]+Z\] Greeting Mallory$/);
    const next = await eventually(() => lines[lines.indexOf(greeting) + 1], 15_000, 'the line after the greeting');
    expect(next).toBe(`    ${forged}\\x1b[31m`);
    expect(lines.filter((l) => l.startsWith(forged))).toEqual([]);
    expect(host.logs()).not.toContain('\u001b');
  });

  it('prints warnings too', async () => {
    const res = await get('/api/echo/3');
    expect(res.status).toBe(200);
    await eventually(() => lines.some((l) => / echo warning [0-9a-f-]{36}$/.test(l)), 15_000, 'the warning');
  });
});

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A POST through node:http, which (unlike fetch) hands over the response even when the server
 * closed the connection while the body was still being sent: a write error (EPIPE,
 * ECONNRESET) after the response arrived is expected, not a failure. `chunks` are written
 * one by one (chunked when no content-length is given); `body: false` sends only the headers.
 */
function rawPost(
  url: string,
  options: { headers?: http.OutgoingHttpHeaders; chunks?: string[]; body?: boolean },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(url, { method: 'POST', headers: options.headers, agent: false });
    req.on('response', (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts).toString() });
        req.destroy();
      });
      res.on('error', reject);
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (options.body === false) {
      req.flushHeaders();
      return;
    }
    for (const chunk of options.chunks ?? []) req.write(chunk);
    req.end();
  });
}

describe('limits', () => {
  let small: SpawnedHost;
  beforeAll(async () => {
    small = await spawnHost({
      appDir: fixture('http-app'),
      port: 0,
      env: { FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '1024' },
    });
  });
  afterAll(async () => {
    await small?.stop();
  });
  const tooLarge = { error: 'Payload Too Large', message: 'The request body exceeds the limit of 1024 bytes.' };

  it('accepts a body at the limit', async () => {
    const ok = await rawPost(`${small.url}/api/echo/1`, {
      headers: { 'content-length': 1024 },
      chunks: ['x'.repeat(1024)],
    });
    expect(ok.status).toBe(200);
    expect((JSON.parse(ok.body) as { body: string }).body).toBe('x'.repeat(1024));
  });

  it('answers 413 with its JSON body when the body exceeds the limit, and keeps serving', async () => {
    const tooBig = await rawPost(`${small.url}/api/echo/1`, {
      headers: { 'content-length': 1025 },
      chunks: ['x'.repeat(1025)],
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers.connection).toBe('close');
    expect(JSON.parse(tooBig.body)).toEqual(tooLarge);
    // A streamed (chunked) body is refused as soon as it passes the limit.
    const streamed = await rawPost(`${small.url}/api/echo/1`, {
      chunks: ['y'.repeat(512), 'y'.repeat(512), 'y'.repeat(512), 'y'.repeat(512)],
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toEqual(tooLarge);
    // fetch sees the same answer.
    const viaFetch = await fetch(`${small.url}/api/echo/1`, { method: 'POST', body: 'z'.repeat(2000) });
    expect(viaFetch.status).toBe(413);
    expect(await viaFetch.json()).toEqual(tooLarge);
    // The host still serves.
    const after = await fetch(`${small.url}/api/echo/2`, { method: 'POST', body: 'still here' });
    expect(after.status).toBe(200);
    expect(((await after.json()) as { body: string }).body).toBe('still here');
  });

  it('answers a declared oversize body before any of it is sent', async () => {
    const res = await rawPost(`${small.url}/api/echo/1`, {
      headers: { 'content-length': 50 * 1024 * 1024 },
      body: false,
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual(tooLarge);
    expect((await fetch(`${small.url}/api/hello/Ada`)).status).toBe(200);
  });
});

/** Writes `request` as it is on a fresh connection and returns everything the server sent back. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(request, 'latin1'));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

function parseRaw(text: string): { status: number; contentType: string | undefined; body: string } {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
    contentType: /^content-type: (.*)$/im.exec(head)?.[1],
    body,
  };
}

describe('requests that are not valid HTTP', () => {
  it('answers what the parser refuses with a JSON message, not an empty 400 or 431', async () => {
    const cases: Array<[string, number, RegExp]> = [
      [`GET /api/hello?junk=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: a\r\n\r\n`, 431, /exceed 16384 bytes/],
      ['BREW /api/hello HTTP/1.1\r\nHost: a\r\n\r\n', 400, /not valid HTTP\/1\.1/],
      ['GET /api/hello?name=a\u0000b HTTP/1.1\r\nHost: a\r\n\r\n', 400, /not valid HTTP\/1\.1/],
      ['POST /api/echo/1 HTTP/1.1\r\nHost: a\r\nContent-Length: lots\r\n\r\n', 400, /not valid HTTP\/1\.1/],
    ];
    for (const [request, status, message] of cases) {
      const answer = parseRaw(await rawExchange(host.port, request));
      expect(answer.status, request.slice(0, 40)).toBe(status);
      expect(answer.contentType).toBe('application/json; charset=utf-8');
      expect((JSON.parse(answer.body) as { message: string }).message).toMatch(message);
    }
    expect((await get('/api/hello/Ada')).status).toBe(200);
  });

  it('answers 400 JSON when the Host header is not a host[:port]', async () => {
    const answer = parseRaw(
      await rawExchange(host.port, 'GET /api/hello HTTP/1.1\r\nHost: %%%\r\nConnection: close\r\n\r\n'),
    );
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe('application/json; charset=utf-8');
    expect(JSON.parse(answer.body)).toEqual({
      error: 'Bad Request',
      message:
        'The Host header "%%%" is not a valid host[:port]: a name, an IPv4 address or an [IPv6] address, optionally followed by :port, ' +
        'with no path, query, fragment, user info (@) or spaces.',
    });
  });

  it('sends the answer to a request that was already being served before refusing the next one on the connection', async () => {
    const text = await rawExchange(
      host.port,
      'GET /api/hello/Ada HTTP/1.1\r\nHost: a\r\n\r\nBREW /api/hello HTTP/1.1\r\nHost: a\r\n\r\n',
    );
    const [first = '', second = ''] = text.split(/(?=HTTP\/1\.1 \d{3} )/);
    expect(first).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n\{"greeting":"Hello, Ada!"\}$/);
    expect(parseRaw(second).status).toBe(400);
    expect((JSON.parse(parseRaw(second).body) as { message: string }).message).toMatch(/not valid HTTP\/1\.1/);
  });

  it('tells an HTTP/2 client (prior knowledge) that this host speaks HTTP/1.1', async () => {
    const answer = parseRaw(await rawExchange(host.port, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
    expect(answer.status).toBe(400);
    expect((JSON.parse(answer.body) as { message: string }).message).toBe(
      'This host speaks HTTP/1.1 only; HTTP/2 without TLS (prior knowledge) is not supported.',
    );
  });

  const exchange = async (request: string) => parseRaw(await rawExchange(host.port, request));
  const messageOf = (answer: { body: string }) => (JSON.parse(answer.body) as { message: string }).message;

  it('routes by the request target alone: a Host header with a path, query or user info is refused, never routed', async () => {
    // Pasted in front of the target, this Host used to turn GET /api/hello into a call of echo.
    const rerouted = await exchange(
      `GET /api/hello HTTP/1.1\r\nHost: 127.0.0.1:${host.port}/api/echo/1?x=\r\nConnection: close\r\n\r\n`,
    );
    expect(rerouted.status).toBe(400);
    expect(rerouted.contentType).toBe('application/json; charset=utf-8');
    expect(messageOf(rerouted)).toMatch(/^The Host header ".*\/api\/echo\/1\?x=" is not a valid host\[:port\]/);
    // A user info part used to reach the function as a URL no Request accepts: a 500 with an empty body.
    const userInfo = await exchange('GET /api/hello HTTP/1.1\r\nHost: a@127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(userInfo.status).toBe(400);
    expect(messageOf(userInfo)).toMatch(/^The Host header "a@127\.0\.0\.1" is not a valid host\[:port\]/);
    for (const bad of ['a b', '127.0.0.1#x', '127.0.0.1\\api']) {
      const answer = await exchange(`GET /api/hello HTTP/1.1\r\nHost: ${bad}\r\nConnection: close\r\n\r\n`);
      expect(answer.status, bad).toBe(400);
      expect(messageOf(answer), bad).toMatch(/is not a valid host\[:port\]/);
    }
  });

  it('answers 400 JSON to an HTTP/1.1 request without a Host header, or with two; serves HTTP/1.0 without one', async () => {
    const missing = await exchange('GET /api/hello HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(missing.status).toBe(400);
    expect(missing.contentType).toBe('application/json; charset=utf-8');
    expect(messageOf(missing)).toBe(
      `The request has no Host header, which HTTP/1.1 requires (e.g. Host: 127.0.0.1:${host.port}).`,
    );
    const twice = await exchange('GET /api/hello HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n');
    expect(twice.status).toBe(400);
    expect(messageOf(twice)).toBe('The request has 2 Host headers; HTTP/1.1 allows exactly one.');
    const old = await exchange('GET /api/hello/Ada HTTP/1.0\r\n\r\n');
    expect(old.status).toBe(200);
    expect(JSON.parse(old.body)).toEqual({ greeting: 'Hello, Ada!' });
  });

  it('serves an absolute-form target by its path when it names the Host, like Kestrel, and refuses it otherwise', async () => {
    const own = `127.0.0.1:${host.port}`;
    const served = await exchange(
      `GET http://${own}/api/hello/Ada HTTP/1.1\r\nHost: ${own}\r\nConnection: close\r\n\r\n`,
    );
    expect(served.status).toBe(200);
    expect(JSON.parse(served.body)).toEqual({ greeting: 'Hello, Ada!' });
    const elsewhere = await exchange(
      `GET http://evil.example/api/hello/Ada HTTP/1.1\r\nHost: ${own}\r\nConnection: close\r\n\r\n`,
    );
    expect(elsewhere.status).toBe(400);
    expect(messageOf(elsewhere)).toBe(
      `The request target names the host "evil.example" but the Host header says "${own}"; they must be the same.`,
    );
    const asterisk = await exchange(`OPTIONS * HTTP/1.1\r\nHost: ${own}\r\nConnection: close\r\n\r\n`);
    expect(asterisk.status).toBe(400);
    expect(messageOf(asterisk)).toMatch(/^The request target must be a path/);
  });

  it('answers 417 JSON to an expectation it cannot meet, and 100 Continue to 100-continue', async () => {
    const answer = await exchange(
      'GET /api/hello HTTP/1.1\r\nHost: a\r\nExpect: 999-nope\r\nConnection: close\r\n\r\n',
    );
    expect(answer.status).toBe(417);
    expect(answer.contentType).toBe('application/json; charset=utf-8');
    expect(JSON.parse(answer.body)).toEqual({
      error: 'Expectation Failed',
      message:
        'The request expects "999-nope", which this host does not support; only 100-continue is. Send it without the Expect header.',
    });
    const continued = await rawExchange(
      host.port,
      'POST /api/echo/1 HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi',
    );
    expect(continued).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
  });

  it('answers a CONNECT (this host opens no tunnels) with 400 JSON instead of dropping the connection', async () => {
    const answer = await exchange(`CONNECT 127.0.0.1:${host.port} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n\r\n`);
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe('application/json; charset=utf-8');
    expect(messageOf(answer)).toBe('This host serves functions, not tunnels: CONNECT is not supported.');
  });

  it("answers chunk extensions over the parser's limit with 413 JSON, as Node would with an empty body", async () => {
    const answer = await exchange(
      `POST /api/echo/1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;${'x'.repeat(20_000)}\r\na\r\n0\r\n\r\n`,
    );
    expect(answer.status).toBe(413);
    expect(answer.contentType).toBe('application/json; charset=utf-8');
    expect(messageOf(answer)).toMatch(/chunk extensions/);
    expect((await get('/api/hello/Ada')).status).toBe(200);
  });

  it('routes a target that starts with // as a path, not as another host', async () => {
    const answer = parseRaw(
      await rawExchange(host.port, 'GET //evil.example/api/hello/Ada HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'),
    );
    expect(answer.status).toBe(404);
    expect(answer.body).toBe('');
  });
});

describe('clients that go away', () => {
  const partialBody = (path: string) => `POST ${path} HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n0123456789`;
  const linesAbout = (path: string) => lines.filter((l) => l.includes(path));

  /** Sends `request`, then closes the connection after a moment: `end` half-closes (FIN), `destroy` drops it. */
  function sendAndLeave(request: string, how: 'end' | 'destroy'): Promise<string> {
    return new Promise((resolve) => {
      let text = '';
      const socket = net.connect({ host: '127.0.0.1', port: host.port }, () => {
        socket.write(request);
        setTimeout(() => (how === 'end' ? socket.end() : socket.destroy()), 100);
      });
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('error', () => {});
      socket.on('close', () => resolve(text));
    });
  }

  it('logs a client that disconnects mid-body as one calm line, without a stack, and runs nothing', async () => {
    await sendAndLeave(partialBody('/api/echo/1001'), 'destroy');
    const line = await eventually(() => linesAbout('/api/echo/1001')[0], 15_000, 'the log line');
    expect(line).toMatch(
      /^\[[^\]]+\] The client closed the connection before the request body was complete \(POST \/api\/echo\/1001\); nothing was run\.$/,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(linesAbout('/api/echo/1001')).toHaveLength(1);
    expect(host.logs()).not.toMatch(/Unhandled error|Error: aborted/);
    expect((await get('/api/hello/Ada')).status).toBe(200);
  });

  it('answers a body cut short by a half-close with 400 JSON, and logs the same calm line', async () => {
    const answer = parseRaw(await sendAndLeave(partialBody('/api/echo/1002'), 'end'));
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe('application/json; charset=utf-8');
    expect((JSON.parse(answer.body) as { message: string }).message).toBe(
      'The connection was closed before the request was complete: the body sent was shorter than announced (Content-Length or chunked encoding).',
    );
    const line = await eventually(() => linesAbout('/api/echo/1002')[0], 15_000, 'the log line');
    expect(line).toMatch(
      /The client closed the connection before the request body was complete \(POST \/api\/echo\/1002\); nothing was run\.$/,
    );
  });

  it('says so when the body was not valid HTTP (a broken chunk), rather than that the client left', async () => {
    const request = 'POST /api/echo/1003 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n';
    const answer = parseRaw(await sendAndLeave(request, 'end'));
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe('application/json; charset=utf-8');
    const line = await eventually(() => linesAbout('/api/echo/1003')[0], 15_000, 'the log line');
    expect(line).toMatch(
      /\] The request body was not valid HTTP \(POST \/api\/echo\/1003\): answered 400; nothing was run\.$/,
    );
    expect(host.logs()).not.toMatch(/Unhandled error/);
  });
});
