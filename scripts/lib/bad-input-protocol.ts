// Requests that go wrong before any route is chosen: a request line or headers too large for
// the HTTP parser, bytes no client should send, a Host header that is not a host, paths no
// route takes. Sent once per app, since they test the host rather than the app.

import type { BadInput } from './bad-input-cases.ts';
import { HUGE } from './bad-input-values.ts';

/** Where the protocol inputs are aimed. */
export interface ProtocolTargets {
  /** Any function's path. */
  anyPath: string;
  /**
   * A GET a function answers 200: a Host header form aimed at it must be refused by the host,
   * since the function itself would not refuse it (the 4xx must not be the app's own).
   */
  goodPath: string;
  /** The host's port, for Host headers and targets that name it. */
  port: number;
}

export function protocolInputs({ anyPath, goodPath, port }: ProtocolTargets): BadInput[] {
  const target = 'host';
  const input = (what: string, method: string, path: string, headers?: BadInput['request']['headers']): BadInput => ({
    target,
    what,
    request: { method, target: path, ...(headers ? { headers } : {}) },
  });
  return [
    input('a path no function has', 'GET', '/api/no-such-function'),
    input('a path outside the route prefix', 'GET', '/no-such-place'),
    input('dot segments above the root', 'GET', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd'),
    input('a path that starts with // (another authority?)', 'GET', `//evil.example${anyPath}`),
    input('an absolute-form request target', 'GET', 'http://evil.example/api/no-such-function'),
    input("a 32 KB query string (over the parser's header limit)", 'GET', `${anyPath}?junk=${HUGE.repeat(3)}`),
    input('a 40 KB header', 'GET', anyPath, { 'X-Junk': HUGE.repeat(4) }),
    input('a NUL byte in the request line', 'GET', `${anyPath}?name=a\u0000b`),
    input('a space in the request target', 'GET', `${anyPath}?name=a b`),
    input('a Host header that is not a host', 'GET', anyPath, { Host: '%%%' }),
    input('a method the HTTP parser does not know', 'BREW', anyPath),
    input('a negative Content-Length', 'POST', anyPath, { 'Content-Length': '-1' }),
    input('a Content-Length that is not a number', 'POST', anyPath, { 'Content-Length': 'lots' }),
    ...hostHeaderInputs(goodPath, port),
  ];
}

/**
 * The Host header forms Kestrel refuses, and request targets that name another host: each is
 * sent to a request the function would answer 200, and must get the host's 400 (417 for the
 * Expect) with JSON. A Host that carries a path must never be routed by it: the durable API's
 * instance list would answer 200 with an array.
 */
function hostHeaderInputs(goodPath: string, port: number): BadInput[] {
  const self = `127.0.0.1:${port}`;
  const refused = (what: string, request: BadInput['request'], expectStatus = 400): BadInput => ({
    target: 'host',
    what,
    request,
    group: 'host-header',
    expectStatus,
  });
  const get = (what: string, headers: BadInput['request']['headers']) =>
    refused(what, { method: 'GET', target: goodPath, ...(headers ? { headers } : {}) });
  return [
    get("a Host with the management API's path and a query in it", {
      Host: `${self}/runtime/webhooks/durabletask/instances?top=1&x=`,
    }),
    get('a Host with a path', { Host: `${self}/api` }),
    get('a Host with user info (a@127.0.0.1)', { Host: `a@${self}` }),
    get('a Host with a fragment', { Host: `${self}#fragment` }),
    get('a Host with a query', { Host: `${self}?x=1` }),
    get('a Host with a space in it', { Host: `127.0.0.1 ${self}` }),
    get('a Host with a port over 65535', { Host: '127.0.0.1:99999' }),
    get('a Host that is no URL host (1.2.3.256)', { Host: '1.2.3.256' }),
    get('two Host headers', { Host: [self, 'evil.example'] }),
    get('no Host header in HTTP/1.1', { Host: [] }),
    refused(
      'Expect: 999-nope (only 100-continue exists)',
      { method: 'GET', target: goodPath, headers: { Expect: '999-nope' } },
      417,
    ),
    refused('an absolute-form target naming another host', { method: 'GET', target: `http://evil.example${goodPath}` }),
    refused('an absolute-form target naming another port', {
      method: 'GET',
      target: `http://127.0.0.1:${port === 1 ? 2 : port - 1}${goodPath}`,
    }),
    refused('CONNECT (a tunnel)', { method: 'CONNECT', target: self }),
    refused('CONNECT to another host', { method: 'CONNECT', target: 'evil.example:443' }),
    refused('OPTIONS * (the asterisk form)', { method: 'OPTIONS', target: '*' }),
  ];
}
