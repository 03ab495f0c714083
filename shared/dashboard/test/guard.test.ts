// Who may act through the dashboard: loopback Host names only, and writes from its own page.

import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '@workshop/host';
import { refuseWrite, TOKEN_HEADER } from '../src/guard.ts';

describe('loopback Host names', () => {
  it('accepts 127.x, localhost, *.localhost and [::1], with or without a port', () => {
    for (const host of [
      '127.0.0.1:7071',
      '127.0.0.1',
      '127.1.2.3:80',
      'localhost:7071',
      'LOCALHOST',
      'app.localhost:7071',
      'localhost.:7071',
      '[::1]:7071',
      '[::1]',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
  });

  it('refuses every other name, the ones DNS rebinding would send included', () => {
    for (const host of [
      undefined,
      '',
      'evil.example:7071',
      '127.0.0.1.evil.example',
      'localhost.evil.example',
      '0.0.0.0:7071',
      '192.168.1.5:7071',
      '[::2]:7071',
      '128.0.0.1',
      'localhostx',
    ]) {
      expect(isLoopbackHost(host), String(host)).toBe(false);
    }
  });
});

describe('dashboard writes', () => {
  const token = 'page-token';
  const request = (headers: Record<string, string>) =>
    ({ headers: { host: '127.0.0.1:7071', ...headers } }) as unknown as IncomingMessage;
  const own = {
    [TOKEN_HEADER]: token,
    'content-type': 'application/json',
    origin: 'http://127.0.0.1:7071',
    'sec-fetch-site': 'same-origin',
  };

  it('accepts a JSON request from its own page', () => {
    expect(refuseWrite(request(own), token)).toBeUndefined();
    // Tools that send no Origin (curl with the token) are fine too.
    expect(
      refuseWrite(request({ [TOKEN_HEADER]: token, 'content-type': 'application/json; charset=utf-8' }), token),
    ).toBeUndefined();
  });

  it('refuses another site, a missing or wrong token, and a form post', () => {
    expect(refuseWrite(request({ ...own, 'sec-fetch-site': 'cross-site' }), token)).toMatch(/another site/);
    expect(refuseWrite(request({ ...own, origin: 'http://evil.example' }), token)).toMatch(/evil\.example/);
    expect(refuseWrite(request({ ...own, [TOKEN_HEADER]: 'guess' }), token)).toMatch(/token/);
    const { [TOKEN_HEADER]: _, ...noToken } = own;
    expect(refuseWrite(request(noToken), token)).toMatch(/token/);
    expect(refuseWrite(request({ ...own, 'content-type': 'text/plain' }), token)).toMatch(/JSON/);
  });
});
