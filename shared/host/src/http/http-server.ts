// The HTTP front door: a node:http server on 127.0.0.1 (never all interfaces: it runs
// learners' code), routing `/<routePrefix>/<route>` to HTTP-triggered functions and answering
// like the Functions host: 404 (empty) when no route matches path and method, 413 when the
// body exceeds the limit (100 MB by default, FUNCTIONS_REQUEST_BODY_SIZE_LIMIT like the host),
// 500 (empty — the error goes to the host console, never to the client) when the invocation
// fails, otherwise the function's own response. Routing follows the request target's path, never
// the Host header (request-target.ts). Requests that are not valid HTTP, or whose Host header is
// missing or not a host[:port], get a 4xx with a JSON message (Kestrel's have no body: see
// answerClientError).

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FunctionDefinition } from '../worker-protocol.ts';
import { InvocationFailedError, type FunctionExecutor, type HostLog } from '../executor.ts';
import { buildHttpTriggerInput } from './http-request-data.ts';
import { rawJsonError, writeEmpty, writeHttpResponse, writeJsonError } from './http-response.ts';
import { BodyTooLargeError, readBody, refuseBody, RequestAbortedError } from './request-body.ts';
import { resolveRequestTarget } from './request-target.ts';
import { compileRoute, RouteTable } from './routes.ts';

export { DEFAULT_MAX_REQUEST_BODY_SIZE } from './request-body.ts';

/** The reason the Functions host logs for HTTP-triggered invocations. */
const HTTP_REASON = 'This function was programmatically called via the host APIs.';

export interface HttpRoute {
  fn: FunctionDefinition;
  /** Route template as registered (defaults to the function name). */
  route: string;
  /** Upper-case methods, undefined for all. */
  methods: string[] | undefined;
}

/** The HTTP-triggered functions of the app with their routes (in registration order). */
export function httpRoutesOf(functions: Iterable<FunctionDefinition>): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const fn of functions) {
    for (const binding of Object.values(fn.metadata.bindings)) {
      if (String(binding.type).toLowerCase() !== 'httptrigger') continue;
      const route = typeof binding.route === 'string' && binding.route.trim() !== '' ? binding.route.trim() : fn.name;
      const methods =
        Array.isArray(binding.methods) && binding.methods.length > 0
          ? binding.methods.map((m) => String(m).toUpperCase())
          : undefined;
      routes.push({ fn, route, methods });
    }
  }
  return routes;
}

export interface HttpServerOptions {
  port: number;
  routePrefix: string;
  maxRequestBodySize: number;
  routes: HttpRoute[];
  executor: FunctionExecutor;
  log: HostLog;
  /**
   * Answers requests before the function routes (e.g. the durable management API); returns
   * true when it answered.
   */
  preRoute?: PreRoute | undefined;
}

/** Answers a request before the function routes; true when it answered. */
export type PreRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  limits: { maxRequestBodySize: number },
) => Promise<boolean>;

export interface RunningHttpServer {
  port: number;
  close(graceMs?: number): Promise<void>;
  /** Connections the server has accepted and not yet seen end. */
  openConnections(): number;
}

/** The part of the path after the route prefix, or undefined when the prefix does not match. */
function stripPrefix(pathname: string, prefix: string): string | undefined {
  const path = pathname.replace(/^\/+/, '');
  if (prefix === '') return path;
  const lowerPath = path.toLowerCase();
  const lowerPrefix = prefix.toLowerCase();
  if (lowerPath === lowerPrefix) return '';
  if (lowerPath.startsWith(lowerPrefix + '/')) return path.slice(prefix.length + 1);
  return undefined;
}

/** The values of every Host header of a request (`req.headers.host` keeps only the first). */
function hostHeaders(req: IncomingMessage): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() === 'host') values.push(req.rawHeaders[i + 1]!);
  }
  return values;
}

/** What answers a request Node's parser refused: status and the sentence for the JSON body. */
function clientErrorAnswer(error: Error & { code?: string; reason?: string }): [number, string] {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return [
        431,
        `The request line and headers together exceed ${http.maxHeaderSize} bytes. Send long values in the request body instead.`,
      ];
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return [413, 'The chunk extensions of the request body are too large. Send the body without chunk extensions.'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'The request did not arrive in time.'];
    case 'HPE_PAUSED_H2_UPGRADE':
      return [400, 'This host speaks HTTP/1.1 only; HTTP/2 without TLS (prior knowledge) is not supported.'];
    case 'HPE_INVALID_EOF_STATE':
      return [
        400,
        'The connection was closed before the request was complete: the body sent was shorter than announced (Content-Length or chunked encoding).',
      ];
    default:
      return [
        400,
        `The request is not valid HTTP/1.1: ${(error.reason ?? 'it could not be parsed').replace(/\.?$/, '.')}`,
      ];
  }
}

/**
 * Connections whose request was refused by the parser while its body was being read, with the
 * status they were answered: the request being served then ends as aborted, and the log should
 * say that the body was not valid HTTP rather than that the client left.
 */
const refusedMidBody = new WeakMap<Duplex, number>();

/**
 * Requests Node's HTTP parser rejects before they reach the host: a request line and headers
 * over its limit (`http.maxHeaderSize`, 16 KB), bytes that are not HTTP, a Content-Length that
 * is not a number, an unknown method. Node (like Kestrel) would answer with a status line and
 * no body; the host adds a JSON message, so that whoever sent the request learns what to
 * change. Nothing of the parser's internals (the raw packet, offsets) goes into it.
 */
function answerClientError(error: Error & { code?: string; reason?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, message] = clientErrorAnswer(error);
  const answer = () => (socket.writable ? socket.end(rawJsonError(status, message)) : socket.destroy());
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
  if (inFlight && !inFlight.writableFinished) {
    if (inFlight.req.complete) {
      // A pipelined request after one still being served: that one's answer goes out first,
      // as Kestrel would send it, rather than being cut off by this one.
      // ('close' follows 'finish', and also comes when the connection is lost first.)
      inFlight.once('close', answer);
      return;
    }
    // The request being served is the one refused, in its body. Once its answer has begun,
    // another cannot follow (Node's own handler checks the same).
    if (inFlight.headersSent) {
      socket.destroy();
      return;
    }
    if (error.code !== 'HPE_INVALID_EOF_STATE') refusedMidBody.set(socket, status);
  }
  answer();
}

/** The one line a request whose body never arrived in full is worth in the log. */
export function describeAbortedBody(req: IncomingMessage, what: string): string {
  const status = refusedMidBody.get(req.socket);
  return status === undefined
    ? `The client closed the connection before the request body was complete (${what}); nothing was run.`
    : `The request body was not valid HTTP (${what}): answered ${status}; nothing was run.`;
}

/** A CONNECT asks for a tunnel; Node would drop the connection without a word. */
function answerConnect(_req: IncomingMessage, socket: Duplex): void {
  socket.on('error', () => socket.destroy()); // Node hands the socket over without its error handler
  socket.end(rawJsonError(400, 'This host serves functions, not tunnels: CONNECT is not supported.'));
}

/**
 * An Expect other than 100-continue (which Node answers itself). Node's default is a 417 with
 * no body. Kestrel ignores such expectations; RFC 9110 lets a server refuse them, and saying so
 * tells the client why its request went unanswered.
 */
function answerExpectation(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  const expectation = String(req.headers.expect ?? '');
  const quoted = JSON.stringify(expectation.length > 80 ? `${expectation.slice(0, 80)}…` : expectation);
  writeJsonError(
    res,
    417,
    `The request expects ${quoted}, which this host does not support; only 100-continue is. Send it without the Expect header.`,
  );
}

const HOMEPAGE =
  '<!DOCTYPE html><html><head><title>Your Functions 4.0 app is up and running</title></head>' +
  "<body><h1>Your Functions 4.0 app is up and running</h1><p>Served by the workshop's local host.</p></body></html>";

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const table = new RouteTable<HttpRoute>();
  for (const route of options.routes) table.add(compileRoute(route.route, route.methods, route));

  // Known once listening: while the server closes, address() is null, and requests on connections
  // still open must be answered as before (they were answered 500).
  let port = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const ownHost = `127.0.0.1:${port}`;
    const target = resolveRequestTarget(
      { target: req.url ?? '/', hosts: hostHeaders(req), httpVersion: req.httpVersion },
      ownHost,
    );
    if ('problem' in target) {
      req.resume();
      // Kestrel refuses these with an empty 400; a sentence saying which part is wrong costs nothing.
      writeJsonError(res, 400, target.problem);
      return;
    }
    const { url } = target;
    if (options.preRoute && (await options.preRoute(req, res, url, { maxRequestBodySize: options.maxRequestBodySize })))
      return;
    const rest = stripPrefix(url.pathname, options.routePrefix);
    const match = rest === undefined ? undefined : table.match(rest, method);
    if (!match) {
      req.resume();
      if (
        url.pathname === '/' &&
        (method === 'GET' || method === 'HEAD') &&
        process.env.AzureWebJobsDisableHomepage?.toLowerCase() !== 'true'
      ) {
        res.writeHead(200, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(HOMEPAGE) });
        res.end(method === 'HEAD' ? undefined : HOMEPAGE);
        return;
      }
      const other = rest === undefined ? undefined : table.matchesOtherMethod(rest);
      if (other) {
        // The Functions host treats methods as a route constraint, so a wrong method is a 404.
        options.log(
          'warning',
          `${method} ${url.pathname}: function '${other.target.fn.name}' has this route but accepts only ` +
            `${other.methods?.join(', ')}; answering 404 like the Functions host.`,
        );
      }
      writeEmpty(res, 404);
      return;
    }

    let body: Buffer;
    try {
      body = await readBody(req, options.maxRequestBodySize);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        refuseBody(req, res, options.maxRequestBodySize);
        return;
      }
      if (err instanceof RequestAbortedError) {
        options.log('warning', describeAbortedBody(req, `${method} ${url.pathname}`));
        return;
      }
      throw err;
    }

    const { fn } = match.route.target;
    const input = buildHttpTriggerInput({ req, url, params: match.params, body });
    let result;
    try {
      result = await options.executor.execute({
        fn,
        triggerValue: { http: input.rpc },
        triggerMetadata: input.triggerMetadata,
        bindingData: input.bindingData,
        reason: HTTP_REASON,
        callerHandledOutputs: ['http'],
      });
    } catch (err) {
      if (!(err instanceof InvocationFailedError)) {
        options.log(
          'error',
          `Request ${method} ${url.pathname} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
      }
      writeEmpty(res, 500);
      return;
    }

    const outputName = Object.entries(fn.metadata.bindings).find(
      ([, b]) => String(b.type).toLowerCase() === 'http' && b.direction === 'out',
    )?.[0];
    const data =
      outputName === undefined
        ? undefined
        : outputName === '$return'
          ? result.response.returnValue
          : result.response.outputData?.find((o) => o.name === outputName)?.data;
    writeHttpResponse(res, method, data?.http);
  };

  // requireHostHeader off: Node would answer a missing Host with an empty 400 of its own;
  // resolveRequestTarget answers it with the JSON message every other refusal has.
  const server = http.createServer({ requireHostHeader: false }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.log(
        'error',
        `Unhandled error while serving ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      if (!res.headersSent) writeEmpty(res, 500);
      else res.destroy();
    });
  });

  let connections = 0;
  server.on('connection', (socket: Duplex) => {
    connections++;
    socket.once('close', () => connections--);
  });
  server.on('clientError', answerClientError);
  server.on('connect', answerConnect);
  server.on('checkExpectation', answerExpectation);

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        reject(
          new Error(
            `Port ${options.port} is unavailable. Close the process using that port, or specify another port using --port [-p].`,
          ),
        );
      } else reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port, '127.0.0.1');
  });

  port = (server.address() as AddressInfo).port;
  return {
    port,
    openConnections: () => connections,
    // Stop accepting connections, let requests in flight finish (up to a grace period),
    // then drop whatever is still open.
    close: (graceMs = 5000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
