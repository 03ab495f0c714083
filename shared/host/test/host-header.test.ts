// Which URL a request addresses: the path and query come from the request target alone; the Host
// header only names the host, and one that is not a host[:port] is refused, as Kestrel does.

import { describe, expect, it } from 'vitest';
import { isValidHostHeader, resolveRequestTarget } from '../src/http/request-target.ts';

const OWN = '127.0.0.1:7071';
const resolve = (target: string, hosts: string[], httpVersion = '1.1') =>
  resolveRequestTarget({ target, hosts, httpVersion }, OWN);
const urlOf = (target: string, hosts: string[], httpVersion?: string) => {
  const resolved = resolve(target, hosts, httpVersion);
  if ('problem' in resolved) throw new Error(`refused: ${resolved.problem}`);
  return resolved.url.href;
};
const problemOf = (target: string, hosts: string[], httpVersion?: string) => {
  const resolved = resolve(target, hosts, httpVersion);
  return 'problem' in resolved ? resolved.problem : undefined;
};

describe('isValidHostHeader (Kestrel HttpUtilities.IsHostHeaderValid)', () => {
  it('accepts names, IPv4 and [IPv6] addresses with an optional port, and the empty value', () => {
    for (const host of [
      '127.0.0.1',
      '127.0.0.1:7071',
      'localhost',
      'my-app.azurewebsites.net:443',
      '[::1]',
      '[::1]:7071',
      '[fe80::1]:80',
      "a!$&'()-._~b",
      '',
    ]) {
      expect(isValidHostHeader(host), host).toBe(true);
    }
  });

  it('refuses paths, queries, fragments, user info, spaces, control characters and bad ports', () => {
    const refused = [
      '127.0.0.1:7071/runtime/webhooks/durabletask/instances?top=1&x=',
      '127.0.0.1/api/other',
      '127.0.0.1?x=1',
      '127.0.0.1#x',
      'a@127.0.0.1',
      'user:pass@127.0.0.1:7071',
      'a b',
      ' 127.0.0.1',
      'a\tb',
      'a\\b',
      '%%%',
      'a%2fb',
      'a,b',
      'a;b',
      'a*b',
      ':7071',
      '127.0.0.1:',
      '127.0.0.1:70x1',
      '127.0.0.1:7071:1',
      '[::1',
      '[::]',
      '[::1]x',
      '[::1]:',
      '[fe80::1%eth0]',
      'ünicode.example',
    ];
    for (const host of refused) expect(isValidHostHeader(host), host).toBe(false);
  });
});

describe('resolveRequestTarget', () => {
  it('routes by the target path and query; the Host header only names the host', () => {
    expect(urlOf('/api/hello?name=Ada', ['127.0.0.1:7071'])).toBe('http://127.0.0.1:7071/api/hello?name=Ada');
    expect(urlOf('/api/hello', ['LocalHost:8080'])).toBe('http://localhost:8080/api/hello');
    expect(urlOf('/api/hello', ['[::1]:7071'])).toBe('http://[::1]:7071/api/hello');
  });

  it('never lets a Host header with a path or query rewrite the route', () => {
    expect(problemOf('/api/hello', ['127.0.0.1:7071/runtime/webhooks/durabletask/instances?top=1&x='])).toMatch(
      /^The Host header "127\.0\.0\.1:7071\/runtime\/webhooks\/durabletask\/instances\?top=1&x=" is not a valid host\[:port\]/,
    );
    expect(problemOf('/api/hello', ['a@127.0.0.1'])).toMatch(
      /^The Host header "a@127\.0\.0\.1" is not a valid host\[:port\]/,
    );
    expect(problemOf('/api/hello', ['a b'])).toMatch(/is not a valid host\[:port\]/);
  });

  it('keeps a target that starts with // a path, not another authority', () => {
    expect(urlOf('//evil.example/api/hello', ['127.0.0.1:7071'])).toBe('http://127.0.0.1:7071//evil.example/api/hello');
  });

  it('needs exactly one Host header in HTTP/1.1; HTTP/1.0 may go without, and an empty one is allowed (RFC 9112, Kestrel)', () => {
    expect(problemOf('/api/hello', [])).toBe(
      'The request has no Host header, which HTTP/1.1 requires (e.g. Host: 127.0.0.1:7071).',
    );
    expect(problemOf('/api/hello', ['a', 'b'])).toBe('The request has 2 Host headers; HTTP/1.1 allows exactly one.');
    expect(urlOf('/api/hello', [], '1.0')).toBe('http://127.0.0.1:7071/api/hello');
    expect(urlOf('/api/hello', [''])).toBe('http://127.0.0.1:7071/api/hello');
  });

  it('serves an absolute-form target by its path when its authority is the Host, as Kestrel does', () => {
    expect(urlOf('http://127.0.0.1:7071/api/hello?x=1', ['127.0.0.1:7071'])).toBe(
      'http://127.0.0.1:7071/api/hello?x=1',
    );
    expect(urlOf('HTTP://LocalHost/api/hello', ['localhost:80'])).toBe('http://localhost/api/hello');
    expect(urlOf('https://example.net/api/hello', ['example.net:443'])).toBe('http://example.net:443/api/hello');
    expect(urlOf('http://user@example.net/api/hello', ['example.net'])).toBe('http://example.net/api/hello');
    expect(urlOf('http://example.net/api/hello', [], '1.0')).toBe('http://example.net/api/hello');
  });

  it('refuses an absolute-form target whose authority is not the Host, or that is not http(s)', () => {
    expect(problemOf('http://evil.example/api/hello', ['127.0.0.1:7071'])).toBe(
      'The request target names the host "evil.example" but the Host header says "127.0.0.1:7071"; they must be the same.',
    );
    expect(problemOf('http://127.0.0.1:7071/api/hello', [''])).toMatch(/they must be the same/);
    expect(problemOf('ftp://127.0.0.1/api/hello', ['127.0.0.1'])).toMatch(/^The request target must be a path/);
  });

  it('refuses the asterisk form and anything else that is not a path', () => {
    expect(problemOf('*', ['127.0.0.1:7071'])).toBe(
      'The request target must be a path such as /api/hello (or an absolute http:// URL), not "*".',
    );
    expect(problemOf('api/hello', ['127.0.0.1:7071'])).toMatch(/^The request target must be a path/);
  });

  it('refuses a Host that has the right characters but names no URL host', () => {
    expect(problemOf('/api/hello', ['127.0.0.1:99999'])).toMatch(/is not a valid host\[:port\]/);
    expect(problemOf('/api/hello', ['1.2.3.256'])).toMatch(/is not a valid host\[:port\]/);
  });

  it('quotes a long Host header only in part', () => {
    expect(problemOf('/api/hello', [`${'a'.repeat(300)}/x`])).toMatch(/^The Host header "a{80}…" is not/);
  });
});
