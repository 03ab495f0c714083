// Reading a request body under the host's size limit, and refusing one over it, for every
// request the host serves: function routes and the durable management API alike, as the
// Functions host applies FUNCTIONS_REQUEST_BODY_SIZE_LIMIT to the whole request pipeline
// (its HttpRequestBodySizeMiddleware), not to function invocations alone.

import type { IncomingMessage, ServerResponse } from 'node:http';

export const DEFAULT_MAX_REQUEST_BODY_SIZE = 104_857_600;

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

/**
 * The body stopped before its end: the client closed the connection, or sent something the
 * parser refused. Not a fault of the host or the app, so not an error with a stack.
 */
export class RequestAbortedError extends Error {
  override name = 'RequestAbortedError';
}

/**
 * The whole body; rejects with BodyTooLargeError as soon as it is declared or read past `limit`,
 * with RequestAbortedError when the request ends before its body does.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // Node destroys the request with `Error: aborted` when its socket closes mid-body; 'close'
    // without 'end' covers the same case should no error be emitted.
    req.on('error', (cause) =>
      reject(new RequestAbortedError('The request ended before its body was complete.', { cause })),
    );
    req.on('close', () => {
      if (!req.complete) reject(new RequestAbortedError('The request ended before its body was complete.'));
    });
  });
}

/** How much of a refused body is still read after the 413, and for how long at most. */
const REFUSED_BODY_DRAIN_BYTES = 1024 * 1024;
const REFUSED_BODY_DRAIN_MS = 5000;

/**
 * Answers 413 at once and closes the connection, like Kestrel. Closing while the client is
 * still sending makes its next write fail (EPIPE/ECONNRESET), often before it has read the
 * answer; so the rest of the body is read and dropped first, up to a bound (1 MB, 5 s), and
 * only a body beyond that gets the connection cut under it.
 */
export function refuseBody(req: IncomingMessage, res: ServerResponse, limit: number): void {
  const text = JSON.stringify({
    error: 'Payload Too Large',
    message: `The request body exceeds the limit of ${limit} bytes.`,
  });
  res.writeHead(413, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    connection: 'close',
  });
  res.write(text);
  let drained = 0;
  const finish = (cut: boolean) => {
    clearTimeout(timer);
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
    if (cut) {
      res.once('finish', () => req.destroy());
      req.resume(); // what is left arrives nowhere until the socket closes
    }
    res.end();
  };
  const onData = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > REFUSED_BODY_DRAIN_BYTES) finish(true);
  };
  const onEnd = () => finish(false);
  const onError = () => finish(true);
  const timer = setTimeout(() => finish(true), REFUSED_BODY_DRAIN_MS);
  timer.unref();
  const declared = Number(req.headers['content-length']);
  if (req.complete || req.readableEnded) finish(false);
  else if (Number.isFinite(declared) && declared - limit > REFUSED_BODY_DRAIN_BYTES) finish(true);
  else {
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  }
}
