// Writes the HTTP response of an invocation the way the Functions host does with what the
// worker returned (`returnValue.http` / an http output binding): status code, headers,
// cookies (as Set-Cookie, ASP.NET defaults: path=/), and the body bytes verbatim (the
// library asks for no content negotiation). No response at all → 204, as the host's
// ObjectResult(null) produces.

import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { RpcHttpCookie, RpcHttpData, RpcTypedData } from '../core-types.ts';

export function typedDataBytes(data: RpcTypedData | null | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  if (data.bytes != null) return Buffer.from(data.bytes);
  if (data.stream != null) return Buffer.from(data.stream);
  if (data.string != null) return Buffer.from(data.string, 'utf8');
  if (data.json != null) return Buffer.from(data.json, 'utf8');
  if (data.int != null) return Buffer.from(String(data.int), 'utf8');
  if (data.double != null) return Buffer.from(String(data.double), 'utf8');
  return Buffer.alloc(0);
}

export function formatCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${encodeURIComponent(cookie.value ?? '')}`];
  const expires = cookie.expires?.value;
  if (expires && expires.seconds != null) {
    const ms = Number(expires.seconds) * 1000 + Math.floor((expires.nanos ?? 0) / 1e6);
    parts.push(`expires=${new Date(ms).toUTCString()}`);
  }
  if (cookie.maxAge?.value != null) parts.push(`max-age=${Math.trunc(cookie.maxAge.value)}`);
  if (cookie.domain?.value) parts.push(`domain=${cookie.domain.value}`);
  parts.push(`path=${cookie.path?.value || '/'}`);
  if (cookie.secure?.value) parts.push('secure');
  switch (cookie.sameSite) {
    case 'lax':
      parts.push('samesite=lax');
      break;
    case 'strict':
      parts.push('samesite=strict');
      break;
    case 'explicitNone':
      parts.push('samesite=none');
      break;
    default:
      break; // 'none' in the RPC means "not specified"
  }
  if (cookie.httpOnly?.value) parts.push('httponly');
  return parts.join('; ');
}

const NO_BODY_STATUS = new Set([204, 205, 304]);

export function writeHttpResponse(res: ServerResponse, method: string, http: RpcHttpData | null | undefined): void {
  if (!http) {
    res.writeHead(204);
    res.end();
    return;
  }
  const parsed = Number.parseInt(http.statusCode ?? '', 10);
  const status = Number.isInteger(parsed) && parsed >= 100 && parsed <= 999 ? parsed : 200;
  for (const [name, value] of Object.entries(http.headers ?? {})) {
    if (value === null || value === undefined) continue;
    try {
      res.setHeader(name, String(value));
    } catch {
      // An invalid header name/value cannot be sent; drop it rather than fail the response.
    }
  }
  const cookies = (http.cookies ?? []).map(formatCookie);
  if (cookies.length > 0) {
    const existing = res.getHeader('set-cookie');
    const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
    res.setHeader('set-cookie', [...list, ...cookies]);
  }
  const body = typedDataBytes(http.body);
  if (NO_BODY_STATUS.has(status)) {
    res.removeHeader('content-length');
    res.writeHead(status);
    res.end();
    return;
  }
  res.setHeader('content-length', body.length);
  res.writeHead(status);
  res.end(method === 'HEAD' ? undefined : body);
}

export function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function writeEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-length': 0 });
  res.end();
}

/**
 * The body of every error the host answers by itself (not the app, not the route miss, which
 * stays empty as the Functions host's): the status's reason phrase and a sentence saying what to change.
 */
export function errorBody(status: number, message: string): { error: string; message: string } {
  return { error: STATUS_CODES[status] ?? 'Error', message };
}

export function writeJsonError(res: ServerResponse, status: number, message: string): void {
  writeJson(res, status, errorBody(status, message));
}

/**
 * The same answer as raw HTTP/1.1, for a socket that has no ServerResponse (a request Node's
 * parser refused, a CONNECT). It ends with the connection closed: after such a request the
 * rest of the stream cannot be trusted to be framed.
 */
export function rawJsonError(status: number, message: string): string {
  const text = JSON.stringify(errorBody(status, message));
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`
  );
}
