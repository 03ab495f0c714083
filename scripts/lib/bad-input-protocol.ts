// Requests that go wrong before any route is chosen: a request line or headers too large for
// the HTTP parser, bytes no client should send, a Host header that is not a host, paths no
// route takes. Sent once per app, since they test the host rather than the app.

import type { BadInput } from './bad-input-cases.ts';
import { HUGE } from './bad-input-values.ts';

export function protocolInputs(anyPath: string): BadInput[] {
  const target = 'host';
  const input = (what: string, method: string, path: string, headers?: Record<string, string>): BadInput => ({
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
    input('a 32 KB query string (over the parser\'s header limit)', 'GET', `${anyPath}?junk=${HUGE.repeat(3)}`),
    input('a 40 KB header', 'GET', anyPath, { 'X-Junk': HUGE.repeat(4) }),
    input('a NUL byte in the request line', 'GET', `${anyPath}?name=a\u0000b`),
    input('a space in the request target', 'GET', `${anyPath}?name=a b`),
    input('a Host header that is not a host', 'GET', anyPath, { Host: '%%%' }),
    input('a method the HTTP parser does not know', 'BREW', anyPath),
    input('a negative Content-Length', 'POST', anyPath, { 'Content-Length': '-1' }),
    input('a Content-Length that is not a number', 'POST', anyPath, { 'Content-Length': 'lots' }),
  ];
}
