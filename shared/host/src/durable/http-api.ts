// The Durable extension's HTTP API, served by the host's own HTTP server (127.0.0.1 only):
//   /runtime/webhooks/durabletask/...  the public webhook URLs (what createCheckStatusResponse
//                                      hands out, and what curl or a browser calls);
//   /durabletask/...                   the SDK's RPC base (`rpcBaseUrl`; the real host listens on
//                                      a second loopback port, 17071, with the same routes).
// Only requests addressed to a loopback name are answered (DNS rebinding: loopback-host.ts).
// Routes and answers follow HttpApiHandler: orchestrators/{name}[/{id}] (POST start),
// instances/ (GET list, paged by x-ms-continuation-token), instances/{id} (GET status,
// DELETE purge), instances/{id}/{terminate|suspend|resume|rewind|restart} (POST; rewind as on Azure Storage: rewind.ts),
// instances/{id}/raiseEvent/{name} (POST).
// Bodies as HttpApiHandler sends them: its 404 (no such route or instance) and 410 (the instance
// has ended) are `CreateResponse(status)` with no content, as are the 202s of terminate, suspend,
// resume and raiseEvent; only its 400s (`CreateErrorResponse`) and 500s carry a `{"Message"}`.
// Where the extension gives no body, the host's log says why instead (one line per answer).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostLog } from '../executor.ts';
import { describeAbortedBody } from '../http/http-server.ts';
import { foreignHostProblem } from '../http/loopback-host.ts';
import {
  BodyTooLargeError,
  DEFAULT_MAX_REQUEST_BODY_SIZE,
  readBody,
  refuseBody,
  RequestAbortedError,
} from '../http/request-body.ts';
import { ClientError, type DurableClientOperations } from './client.ts';
import { shown } from './instance-id.ts';
import { sentence } from '../wording.ts';
import { booleanParameter, dateParameter, pageSize, runtimeStatuses, single } from './management-query.ts';
import { clientGone, waitForCompletion, waitParameters, type WaitParameters } from './wait-for-completion.ts';
import type { EntityClient } from './entities/client.ts';
import { handleEntityRoute } from './entities/http.ts';

/** HttpApiHandler answers these with `CreateResponse(status)`: no content (501: this host's own, likewise). */
const BODILESS = new Set([404, 410, 501]);

const ENDED = new Set(['Completed', 'Failed', 'Terminated', 'Canceled']);

export const WEBHOOK_PREFIX = '/runtime/webhooks/durabletask';
export const RPC_PREFIX = '/durabletask';

export interface ManagementUrls {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  rewindPostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

/** HttpApiHandler.GetClientResponseLinks, without the system key (a local host has none). */
export function managementUrls(
  origin: string,
  instanceId: string,
  hubName: string,
  connectionName: string,
): ManagementUrls {
  const instance = `${origin}${WEBHOOK_PREFIX}/instances/${encodeURIComponent(instanceId)}`;
  const query = `taskHub=${encodeURIComponent(hubName)}&connection=${encodeURIComponent(connectionName)}`;
  return {
    id: instanceId,
    statusQueryGetUri: `${instance}?${query}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${instance}?${query}`,
    restartPostUri: `${instance}/restart?${query}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
    resumePostUri: `${instance}/resume?reason={text}&${query}`,
  };
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, { 'content-length': '0', ...headers });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function jsonOrError(text: string): string | null {
  if (text.trim() === '') return null;
  try {
    return JSON.stringify(JSON.parse(text));
  } catch (err) {
    throw new ClientError(400, `Invalid JSON content: ${(err as Error).message}`);
  }
}

export interface DurableHttpApiOptions {
  client: DurableClientOperations;
  connectionName: string;
  /** Where a client that went away mid-body is mentioned, as for function routes. */
  log?: HostLog;
  /** The entity operations of the `entities/` routes (entities/http.ts). */
  entities?: EntityClient;
}

/**
 * Returns a handler for the host's HTTP server: true when it answered the request (the path is
 * one of the durable prefixes), false to let the server route it to the app's functions.
 */
export function durableHttpApi(options: DurableHttpApiOptions) {
  const { client } = options;
  return async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    limits = { maxRequestBodySize: DEFAULT_MAX_REQUEST_BODY_SIZE },
  ): Promise<boolean> => {
    const prefix = [WEBHOOK_PREFIX, RPC_PREFIX].find((p) => url.pathname === p || url.pathname.startsWith(`${p}/`));
    if (!prefix) return false;
    const method = (req.method ?? 'GET').toUpperCase();
    const foreign = foreignHostProblem(req.headers.host);
    if (foreign) {
      req.resume();
      send(res, 403, { Message: foreign });
      return true;
    }
    let segments: string[];
    try {
      segments = url.pathname
        .slice(prefix.length)
        .split('/')
        .filter((s) => s !== '')
        .map((s) => decodeURIComponent(s));
    } catch {
      req.resume();
      send(res, 400, { Message: 'The request path is not valid.' });
      return true;
    }
    try {
      await route(method, segments);
    } catch (err) {
      if (err instanceof BodyTooLargeError) refuseBody(req, res, limits.maxRequestBodySize);
      else if (err instanceof RequestAbortedError)
        options.log?.('warning', describeAbortedBody(req, `${method} ${url.pathname}`));
      else if (err instanceof ClientError && BODILESS.has(err.status)) withoutBody(err.status, err.message);
      else if (err instanceof ClientError) send(res, err.status, { Message: err.message });
      else
        send(res, 500, {
          Message: 'Something went wrong while processing your request',
          ExceptionMessage: (err as Error)?.message ?? String(err),
        });
    }
    return true;

    async function route(method: string, s: string[]): Promise<void> {
      // The server has checked the Host header already; the URL it built carries it.
      const origin = url.origin;
      if (s[0]?.toLowerCase() === 'orchestrators' && (s.length === 2 || s.length === 3)) {
        if (method !== 'POST') return notFound();
        const input = jsonOrError(await body());
        // Checked before the start: a request we refuse starts nothing.
        const wait = waitParameters(url.searchParams);
        const id = await client.startNew(s[1]!, s[2], input);
        if (wait) return waitOrCheck(origin, id, wait);
        return checkStatus(origin, id);
      }
      if (s[0]?.toLowerCase() === 'entities' && options.entities) {
        return handleEntityRoute({
          req,
          url,
          method,
          segments: s.slice(1),
          entities: options.entities,
          body,
          send: (status, content, headers) => send(res, status, content, headers),
          notFound: (why) => withoutBody(404, why),
        });
      }
      if (s[0]?.toLowerCase() !== 'instances') return notFound();
      const id = s[1];
      const op = s[2]?.toLowerCase();
      if (id === undefined) {
        if (method === 'GET') return list();
        return notFound();
      }
      if (op === undefined) {
        if (method === 'GET') return status(id);
        if (method === 'DELETE') {
          const deleted = await client.purge(id);
          if (deleted === 0) return withoutBody(404, noInstance(id));
          return send(res, 200, { instancesDeleted: deleted });
        }
        return notFound();
      }
      if (method !== 'POST') return notFound();
      const reason = url.searchParams.get('reason');
      switch (op) {
        case 'raiseevent': {
          if (s.length !== 4) return notFound();
          const row = await client.getInstance(id);
          if (!row) return withoutBody(404, noInstance(id));
          // As HandleRaiseEventRequestAsync: an ended instance is a 410 before the content is looked at.
          if (ENDED.has(row.runtimeStatus))
            return withoutBody(
              410,
              `Instance '${id}' is ${row.runtimeStatus}: an instance that has ended cannot receive events.`,
            );
          const type = String(req.headers['content-type'] ?? '')
            .split(';')[0]!
            .trim()
            .toLowerCase();
          const data = await body();
          if (type !== 'application/json')
            throw new ClientError(400, 'Only application/json request content is supported');
          await client.raiseEvent(id, s[3]!, jsonOrError(data));
          return send(res, 202);
        }
        case 'terminate':
          req.resume();
          await client.terminate(id, reason);
          return send(res, 202);
        case 'suspend':
          req.resume();
          await client.suspend(id, reason);
          return send(res, 202);
        case 'resume':
          req.resume();
          await client.resume(id, reason);
          return send(res, 202);
        case 'restart': {
          req.resume();
          const restartWithNewInstanceId = booleanParameter(url.searchParams, 'restartWithNewInstanceId', true);
          return checkStatus(origin, await client.restart(id, restartWithNewInstanceId));
        }
        case 'rewind': {
          req.resume();
          const row = await client.getInstance(id);
          if (!row) return withoutBody(404, noInstance(id));
          // HandleRewindInstanceRequestAsync: 410 for these three; RewindAsync refuses the rest but Failed.
          if (['Completed', 'Terminated', 'Canceled'].includes(row.runtimeStatus))
            return withoutBody(410, `Instance '${id}' is ${row.runtimeStatus}: only a failed instance can be rewound.`);
          await client.rewind(id, reason);
          options.log?.(
            'information',
            `Management API: instance '${id}' rewound${reason ? ` (reason: ${shown(reason, 160)})` : ''}: its failures are out of its history, and it replays from there.`,
          );
          return send(res, 202);
        }
        default:
          return notFound();
      }
    }

    /** The body as text, under the host's request body limit (413 beyond it). */
    async function body(): Promise<string> {
      return (await readBody(req, limits.maxRequestBodySize)).toString('utf8');
    }

    function notFound(): void {
      withoutBody(404, `no route of the management API takes ${method} with this path.`);
    }

    /**
     * An answer the extension sends with no content (404, 410; and this host's 501): the status
     * alone, and one line in the host's log that names the request and says why.
     */
    function withoutBody(status: number, why: string): void {
      req.resume();
      options.log?.(
        'warning',
        `Management API: ${status} for ${method} ${shown(url.pathname, 160)} (${status === 501 ? 'no body' : 'no body, as the Durable extension answers'}): ${sentence(why)}`,
      );
      send(res, status);
    }

    function noInstance(id: string): string {
      return `No instance with ID '${id}' was found in task hub '${client.hubName}'.`;
    }

    async function status(id: string): Promise<void> {
      const query = url.searchParams;
      const options = {
        showHistory: booleanParameter(query, 'showHistory', false),
        showHistoryOutput: booleanParameter(query, 'showHistoryOutput', false),
        showInput: booleanParameter(query, 'showInput', true),
      };
      const failedAs500 = booleanParameter(query, 'returnInternalServerErrorOnFailure', false);
      const payload = await client.getStatus(id, options);
      if (!payload) return withoutBody(404, noInstance(id));
      const running = ['Running', 'Pending', 'ContinuedAsNew', 'Suspended'].includes(payload.runtimeStatus);
      if (running) return send(res, 202, payload, { location: url.href, 'retry-after': '5' });
      return send(res, failedAs500 && payload.runtimeStatus === 'Failed' ? 500 : 200, payload);
    }

    async function list(): Promise<void> {
      const query = url.searchParams;
      const token = req.headers['x-ms-continuation-token'];
      const page = await client.list({
        runtimeStatus: runtimeStatuses(query),
        createdTimeFrom: dateParameter(query, 'createdTimeFrom'),
        createdTimeTo: dateParameter(query, 'createdTimeTo'),
        instanceIdPrefix: single(query, 'instanceIdPrefix'),
        top: pageSize(query),
        // OrchestrationStatusQueryCondition.ShowInput defaults to true, as for one instance's status.
        showInput: booleanParameter(query, 'showInput', true),
        continuation: typeof token === 'string' ? token : undefined,
      });
      return send(res, 200, page.statuses, page.continuation ? { 'x-ms-continuation-token': page.continuation } : {});
    }

    function checkStatus(origin: string, id: string): void {
      const urls = managementUrls(origin, id, client.hubName, options.connectionName);
      const { rewindPostUri: _rewind, ...body } = urls;
      return send(res, 202, body, { location: urls.statusQueryGetUri, 'retry-after': '10' });
    }

    async function waitOrCheck(origin: string, id: string, wait: WaitParameters): Promise<void> {
      const gone = clientGone(res);
      try {
        const payload = await waitForCompletion(() => client.getStatus(id), wait, gone.signal);
        if (gone.signal.aborted) return;
        if (payload?.runtimeStatus === 'Completed') return send(res, 200, payload.output);
        if (payload) return send(res, 200, payload);
        return checkStatus(origin, id);
      } finally {
        gone.dispose();
      }
    }
  };
}
