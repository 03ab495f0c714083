// Which URL a request addresses. Routing follows the request target alone (its path and query);
// the Host header only names the host in the URL the function sees. A Host header is checked
// the way Kestrel checks it (HttpUtilities.IsHostHeaderValid, Http1Connection.EnsureHostHeaderExists),
// since pasting it in front of the target is how a URL is formed: a Host with a path, a query or
// user info would otherwise rewrite the route (`Host: 127.0.0.1:7071/runtime/webhooks/durabletask/instances?x=`
// turned `GET /api/hello` into the durable instance list) or make a URL that no Request accepts.

/**
 * host[:port] as Kestrel accepts it: a name of RFC 3986 unreserved characters and the
 * sub-delimiters Http.Sys allows (`!$&'()`), or an [IPv6] address; a port of digits. Empty is
 * allowed too (RFC 9112 §3.2: a target without an authority), and then the host's own address is used.
 */
const HOST = /^(?:[A-Za-z0-9!$&'()\-._~]+|\[[0-9A-Fa-f:.]{3,}\])(?::[0-9]+)?$/;

export function isValidHostHeader(value: string): boolean {
  return value === '' || HOST.test(value);
}

export type ResolvedTarget = { url: URL } | { problem: string };

export interface TargetRequest {
  /** The request target as it appeared in the request line (`req.url`). */
  target: string;
  /** The values of every Host header, in order. */
  hosts: string[];
  /** `1.1`, `1.0` (`req.httpVersion`). */
  httpVersion: string;
}

/** A header value for a message: quoted, and cut short so the answer stays small. */
function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

const invalidHost = (host: string) =>
  `The Host header ${quote(host)} is not a valid host[:port]: a name, an IPv4 address or an [IPv6] address, optionally ` +
  'followed by :port, with no path, query, fragment, user info (@) or spaces.';

const notAPath = (target: string) =>
  `The request target must be a path such as /api/hello (or an absolute http:// URL), not ${quote(target)}.`;

/** The one Host a request names (undefined: none, in HTTP/1.0), or why it cannot be served. */
function hostOf(request: TargetRequest, ownHost: string): { host: string | undefined } | { problem: string } {
  if (request.hosts.length > 1)
    return { problem: `The request has ${request.hosts.length} Host headers; HTTP/1.1 allows exactly one.` };
  const [host] = request.hosts;
  if (host === undefined) {
    // HTTP/1.0 predates Host; Kestrel serves such requests too.
    if (request.httpVersion === '1.0') return { host: undefined };
    return { problem: `The request has no Host header, which HTTP/1.1 requires (e.g. Host: ${ownHost}).` };
  }
  return isValidHostHeader(host) ? { host } : { problem: invalidHost(host) };
}

/** `http://<host><path and query>`, or undefined when the host part names no URL host (port over 65535, `1.2.3.256`). */
function urlFrom(host: string, pathAndQuery: string): URL | undefined {
  try {
    return new URL(`http://${host}${pathAndQuery}`);
  } catch {
    return undefined;
  }
}

/** Whether a Host header names the authority of an absolute target (with or without the scheme's default port, as Kestrel allows). */
function sameAuthority(host: string, absolute: URL): boolean {
  try {
    return new URL(`${absolute.protocol}//${host}`).host === absolute.host;
  } catch {
    return false;
  }
}

/**
 * The URL of a request: `http://<Host><target path and query>`. An origin-form target
 * (`/path?query`) is a path even when it starts with `//` (`new URL(target, base)` would read
 * `//evil.example/api/x` as another host; Kestrel keeps it as a path, which no route takes).
 * An absolute-form target (`http://host/path`, what clients send to proxies) is served by its
 * path when its authority is the Host header, as Kestrel does (RFC 9112 §3.2.2: a server must
 * accept it); otherwise it is refused. The URL's scheme is always http: that is what this
 * server speaks, whatever the target says.
 */
export function resolveRequestTarget(request: TargetRequest, ownHost: string): ResolvedTarget {
  const named = hostOf(request, ownHost);
  if ('problem' in named) return named;
  const { target } = request;
  if (target.startsWith('/')) {
    const url = urlFrom(named.host || ownHost, target);
    return url ? { url } : { problem: invalidHost(named.host ?? '') };
  }
  if (!/^https?:\/\//i.test(target)) return { problem: notAPath(target) };
  let absolute: URL;
  try {
    absolute = new URL(target);
  } catch {
    return { problem: notAPath(target) };
  }
  const host = named.host ?? absolute.host;
  if (!sameAuthority(host, absolute)) {
    return {
      problem: `The request target names the host ${quote(absolute.host)} but the Host header says ${quote(host)}; they must be the same.`,
    };
  }
  const url = urlFrom(host, `${absolute.pathname}${absolute.search}`);
  return url ? { url } : { problem: invalidHost(host) };
}
