// One HTTP/1.1 exchange over a plain socket. fetch and http.request refuse (or quietly
// normalise) the requests a hostile client sends — a NUL or a space in the request line,
// `%2e%2e` segments, a method with no route — so the bad-input matrix writes the bytes itself
// and reads whatever comes back, including the answers Node's HTTP parser gives before a
// request reaches the host's code.

import net from 'node:net';

export interface RawRequest {
  method: string;
  /** The request target exactly as sent: percent-encode it yourself. */
  target: string;
  /**
   * Written as given, one line per value: several values send the header several times, none
   * leaves it out. `Host: 127.0.0.1:<port>` is added unless a Host is named here (an empty list
   * sends a request without one).
   */
  headers?: Record<string, string | readonly string[]>;
  body?: Buffer | string;
}

export interface RawAnswer {
  status: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export class NoAnswerError extends Error {
  override name = 'NoAnswerError';
}

/** The request's bytes as sent: head (latin1, so a header may carry any byte) and body. */
function requestBytes(port: number, request: RawRequest): Buffer {
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const given = Object.keys(request.headers ?? {});
  const lines = [`${request.method} ${request.target} HTTP/1.1`, 'Connection: close'];
  if (!given.some((h) => /^host$/i.test(h))) lines.push(`Host: 127.0.0.1:${port}`);
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    for (const one of typeof value === 'string' ? [value] : value) lines.push(`${name}: ${one}`);
  }
  if (body !== undefined && !given.some((h) => /^(content-length|transfer-encoding)$/i.test(h)))
    lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body ?? Buffer.alloc(0)]);
}

/**
 * Sends the request and leaves the connection open without reading the answer, for a client
 * that goes away mid-request: `close()` drops the connection, as a closed laptop or a cancelled curl does.
 */
export function openRaw(port: number, request: RawRequest): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('error', reject);
    socket.on('data', () => undefined);
    socket.once('connect', () => {
      socket.write(requestBytes(port, request));
      resolve({ close: () => socket.destroy() });
    });
  });
}

export function sendRaw(port: number, request: RawRequest, timeoutMs = 30_000): Promise<RawAnswer> {
  const bytes = requestBytes(port, request);
  const head = request.method.toUpperCase() === 'HEAD';

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new NoAnswerError(`no complete answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      const received = Buffer.concat(chunks);
      const answer = received.length > 0 ? parseAnswer(received, { untilClose: true, head }) : undefined;
      if (answer) resolve(answer);
      else
        reject(
          new NoAnswerError(
            error
              ? `the connection failed without an answer (${error.message})`
              : 'the connection closed without an answer',
          ),
        );
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // An answer with a length is complete before the server closes (a 413 may hold the
      // connection open while it drains the body we never send): stop reading there.
      const answer = parseAnswer(Buffer.concat(chunks), { untilClose: false, head });
      if (answer) {
        clearTimeout(timer);
        socket.destroy();
        resolve(answer);
      }
    });
    // A server that refuses a body (413) may close while we are still writing: the answer it
    // sent first is what counts, so a write error only ends the exchange.
    socket.on('error', (error) => {
      socket.destroy();
      finish(error);
    });
    socket.on('end', () => finish());
    socket.on('connect', () => socket.write(bytes));
  });
}

/**
 * Status line, headers and body of a complete answer; undefined when it is cut short.
 * `untilClose`: the connection has closed, so a body without a length or chunking ends here.
 * `head`: the answer to a HEAD request, which has headers only, whatever its Content-Length says.
 */
export function parseAnswer(
  bytes: Buffer,
  { untilClose, head }: { untilClose: boolean; head: boolean },
): RawAnswer | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...headerLines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!status) return undefined;
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = bytes.subarray(end + 4);
  if (head) {
    body = Buffer.alloc(0);
  } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const decoded = dechunk(body);
    if (decoded === undefined) return undefined;
    body = decoded;
  } else if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (body.length < length) return undefined;
    body = body.subarray(0, length);
  } else if (!untilClose) {
    return undefined;
  }
  return { status: Number(status[1]), headers, body: Buffer.from(body) };
}

function dechunk(bytes: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isInteger(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (bytes.length < start + size) return undefined;
    parts.push(bytes.subarray(start, start + size));
    at = start + size + 2;
  }
}
