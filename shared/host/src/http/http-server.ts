// The HTTP front door: a node:http server on 127.0.0.1 (never all interfaces: it runs
// learners' code), routing `/<routePrefix>/<route>` to HTTP-triggered functions and answering
// like the Functions host: 404 (empty) when no route matches path and method, 413 when the
// body exceeds the limit (100 MB by default, FUNCTIONS_REQUEST_BODY_SIZE_LIMIT like the host),
// 500 (empty — the error goes to the host console, never to the client) when the invocation
// fails, otherwise the function's own response.

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RegisteredFunction } from '../functions-core.ts';
import { InvocationFailedError, type FunctionExecutor, type HostLog } from '../executor.ts';
import { buildHttpTriggerInput } from './http-request-data.ts';
import { writeEmpty, writeHttpResponse } from './http-response.ts';
import { compileRoute, RouteTable } from './routes.ts';

export const DEFAULT_MAX_REQUEST_BODY_SIZE = 104_857_600;

/** The reason the Functions host logs for HTTP-triggered invocations. */
const HTTP_REASON = 'This function was programmatically called via the host APIs.';

export interface HttpRoute {
  fn: RegisteredFunction;
  /** Route template as registered (defaults to the function name). */
  route: string;
  /** Upper-case methods, undefined for all. */
  methods: string[] | undefined;
}

/** The HTTP-triggered functions of the app with their routes (in registration order). */
export function httpRoutesOf(functions: Iterable<RegisteredFunction>): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const fn of functions) {
    for (const binding of Object.values(fn.metadata.bindings)) {
      if (String(binding.type).toLowerCase() !== 'httptrigger') continue;
      const route = typeof binding.route === 'string' && binding.route.trim() !== '' ? binding.route.trim() : fn.name;
      const methods = Array.isArray(binding.methods) && binding.methods.length > 0 ? binding.methods.map((m) => String(m).toUpperCase()) : undefined;
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
  preRoute?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
}

export interface RunningHttpServer {
  port: number;
  close(graceMs?: number): Promise<void>;
}

class BodyTooLargeError extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
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
    req.on('error', reject);
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
function refuseBody(req: IncomingMessage, res: ServerResponse, limit: number): void {
  const text = JSON.stringify({ error: 'Payload Too Large', message: `The request body exceeds the limit of ${limit} bytes.` });
  res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' });
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

const HOMEPAGE =
  '<!DOCTYPE html><html><head><title>Your Functions 4.0 app is up and running</title></head>' +
  '<body><h1>Your Functions 4.0 app is up and running</h1><p>Served by the workshop\'s local host.</p></body></html>';

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const table = new RouteTable<HttpRoute>();
  for (const route of options.routes) table.add(compileRoute(route.route, route.methods, route));

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const host = req.headers.host ?? `127.0.0.1:${(server.address() as AddressInfo).port}`;
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${host}`);
    } catch {
      writeEmpty(res, 400);
      return;
    }
    if (options.preRoute && (await options.preRoute(req, res, url))) return;
    const rest = stripPrefix(url.pathname, options.routePrefix);
    const match = rest === undefined ? undefined : table.match(rest, method);
    if (!match) {
      req.resume();
      if (url.pathname === '/' && (method === 'GET' || method === 'HEAD') && process.env.AzureWebJobsDisableHomepage?.toLowerCase() !== 'true') {
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
        options.log('error', `Request ${method} ${url.pathname} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
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

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.log('error', `Unhandled error while serving ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) writeEmpty(res, 500);
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        reject(new Error(`Port ${options.port} is unavailable. Close the process using that port, or specify another port using --port [-p].`));
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

  const port = (server.address() as AddressInfo).port;
  return {
    port,
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
