// The dashboard's URLs, under /dashboard/ on the host's own port (and on npm run dashboard's):
//   /dashboard/                    the page (web/index.html), its files under /dashboard/assets/
//   /dashboard/api/hub             the task hub, the app's orchestrators, the clock
//   /dashboard/api/instances       GET a filtered page with counts per status; POST starts one
//   /dashboard/api/instances/{id}  GET one instance: history, episodes, timeline, sequence
//   /dashboard/api/instances/{id}/{raise-event|terminate|suspend|resume|rewind|purge|restart}  POST
//   /dashboard/api/bulk            POST terminate or purge every instance of a filter
//   /dashboard/api/clock           GET, or POST to move a virtual clock
//   /dashboard/api/live            server-sent events: which instances changed
// Every answer carries a Content-Security-Policy that allows this origin only; reads and
// writes need a Host that names this machine, and writes the page's token (guard.ts).

import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ClientError,
  dateParameter,
  foreignHostProblem,
  readBody,
  runtimeStatuses,
  single,
  BodyTooLargeError,
  type InstanceFilter,
  type PreRoute,
} from '@workshop/host';
import { CONTENT_SECURITY_POLICY, page, readAsset } from './assets.ts';
import { newToken, refuseWrite } from './guard.ts';
import { LiveChanges } from './live.ts';
import { LIMITS } from './payload.ts';
import { bulk, clockState, listInstances, moveClock, readInstance, type TaskHubSource } from './task-hub-view.ts';
import { DASHBOARD_PATH } from './path.ts';

export { DASHBOARD_PATH };

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** The page lists this many instances at a time. */
const DEFAULT_PAGE = 50;

function send(res: ServerResponse, status: number, type: string, body: Buffer | string, method = 'GET'): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': String(bytes.length) });
  res.end(method === 'HEAD' ? undefined : bytes);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function problem(res: ServerResponse, status: number, message: string): void {
  json(res, status, { message });
}

export interface Dashboard {
  handle: PreRoute;
  /** Ends the open event streams (the host is stopping). */
  close(): void;
}

export function dashboardRoutes(source: TaskHubSource, options: { title?: string } = {}): Dashboard {
  const token = newToken();
  const live = new LiveChanges(source);
  const title = options.title ?? `Task hub ${source.storage.hubName}`;

  const handle: PreRoute = async (req, res, url, limits) => {
    const path = url.pathname;
    if (path !== DASHBOARD_PATH && !path.startsWith(`${DASHBOARD_PATH}/`)) return false;
    const method = (req.method ?? 'GET').toUpperCase();
    const foreign = foreignHostProblem(req.headers.host);
    if (foreign) {
      req.resume();
      problem(res, 403, foreign);
      return true;
    }
    try {
      await route(req, res, url, method, path.slice(DASHBOARD_PATH.length), limits.maxRequestBodySize);
    } catch (err) {
      if (err instanceof ClientError) problem(res, err.status, err.message);
      else if (err instanceof BodyTooLargeError)
        problem(res, 413, `The request body is over the host's limit of ${limits.maxRequestBodySize} bytes.`);
      else if (!res.headersSent) {
        const [status, message] = storageProblem(err, source.storage.hubName);
        problem(res, status, message);
      } else res.destroy();
    }
    return true;
  };

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    rest: string,
    bodyLimit: number,
  ): Promise<void> {
    if (rest === '') {
      req.resume();
      res.writeHead(308, { ...SECURITY_HEADERS, location: `${DASHBOARD_PATH}/`, 'content-length': '0' });
      res.end();
      return;
    }
    const read = method === 'GET' || method === 'HEAD';
    if (rest === '/' && read) {
      req.resume();
      return send(res, 200, 'text/html; charset=utf-8', page(token, title), method);
    }
    if (rest.startsWith('/assets/') && read) {
      req.resume();
      const asset = readAsset(decodeURIComponent(rest.slice('/assets/'.length)));
      if (!asset) return problem(res, 404, 'No such dashboard file.');
      return send(res, 200, asset.type, asset.body, method);
    }
    if (!rest.startsWith('/api/')) {
      req.resume();
      return problem(res, 404, 'No dashboard page has this address. Open /dashboard/.');
    }
    const segments = rest
      .slice('/api/'.length)
      .split('/')
      .map((s) => decodeURIComponent(s));
    if (read) {
      req.resume();
      return get(res, url, segments);
    }
    if (method !== 'POST') {
      req.resume();
      return problem(res, 405, 'The dashboard takes GET to read and POST to act.');
    }
    const refused = refuseWrite(req, token);
    if (refused) {
      req.resume();
      return problem(res, 403, refused);
    }
    const text = (await readBody(req, bodyLimit)).toString('utf8');
    let body: Record<string, unknown>;
    try {
      body = text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch (err) {
      throw new ClientError(400, `The request body is not JSON: ${(err as Error).message}`);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new ClientError(400, 'The request body must be a JSON object.');
    return post(res, segments, body);
  }

  async function get(res: ServerResponse, url: URL, s: string[]): Promise<void> {
    const [what, id, extra] = s;
    if (what === 'hub' && s.length === 1) {
      return json(res, 200, {
        hubName: source.storage.hubName,
        mode: source.mode,
        orchestrators: source.orchestrators ?? null,
        clock: clockState(source),
        limits: LIMITS,
      });
    }
    if (what === 'clock' && s.length === 1) return json(res, 200, clockState(source));
    if (what === 'live' && s.length === 1) return live.stream(res, SECURITY_HEADERS);
    if (what === 'instances' && id === undefined) {
      const query = url.searchParams;
      const top = Number(single(query, 'top') ?? DEFAULT_PAGE);
      if (!Number.isInteger(top) || top < 1 || top > 1000)
        throw new ClientError(400, 'top must be a whole number from 1 to 1000.');
      const page = Number(single(query, 'page') ?? 0);
      if (!Number.isInteger(page) || page < 0 || page > 1_000_000)
        throw new ClientError(400, 'page must be a whole number from 0.');
      return json(res, 200, await listInstances(source, filterOf(query), top, page));
    }
    if (what === 'instances' && id !== undefined && extra === undefined) {
      const detail = await readInstance(source, id);
      if (!detail)
        return problem(res, 404, `No instance with ID '${id}' was found in the task hub ${source.storage.hubName}.`);
      return json(res, 200, detail);
    }
    return problem(res, 404, 'No dashboard API has this address.');
  }

  async function post(res: ServerResponse, s: string[], body: Record<string, unknown>): Promise<void> {
    const [what, id, op] = s;
    const { client } = source;
    if (what === 'clock' && s.length === 1) {
      return json(
        res,
        200,
        moveClock(source, { ...(body.toNextTimer === true ? { toNextTimer: true } : {}), ms: Number(body.ms) }),
      );
    }
    if (what === 'bulk' && s.length === 1) {
      const action = body.action;
      if (action !== 'terminate' && action !== 'purge')
        throw new ClientError(400, 'action must be "terminate" or "purge".');
      const filter = filterOf(new URLSearchParams(typeof body.query === 'string' ? body.query : ''));
      return json(res, 200, { affected: await bulk(source, action, filter, optionalText(body.reason, 'reason')) });
    }
    if (what === 'instances' && id === undefined) {
      const name = requiredText(body.name, 'name');
      const instanceId = optionalText(body.instanceId, 'instanceId') ?? undefined;
      return json(res, 202, { id: await client.startNew(name, instanceId, jsonText(body.input, 'input')) });
    }
    if (what === 'instances' && id !== undefined && op !== undefined && s.length === 3) {
      switch (op) {
        case 'raise-event':
          await client.raiseEvent(id, requiredText(body.name, 'name'), jsonText(body.data, 'data'));
          return json(res, 202, { id });
        case 'terminate':
          await client.terminate(id, optionalText(body.reason, 'reason'));
          return json(res, 202, { id });
        case 'suspend':
          await client.suspend(id, optionalText(body.reason, 'reason'));
          return json(res, 202, { id });
        case 'resume':
          await client.resume(id, optionalText(body.reason, 'reason'));
          return json(res, 202, { id });
        case 'rewind': {
          const row = await client.getInstance(id);
          if (!row) return problem(res, 404, `No instance with ID '${id}' was found.`);
          if (row.runtimeStatus !== 'Failed')
            return problem(res, 409, `Only a failed instance can be rewound; this one is ${row.runtimeStatus}.`);
          await client.rewind(id, optionalText(body.reason, 'reason'));
          return json(res, 202, { id });
        }
        case 'purge': {
          const deleted = await client.purge(id);
          if (deleted === 0) return problem(res, 404, `No instance with ID '${id}' was found.`);
          return json(res, 200, { instancesDeleted: deleted });
        }
        case 'restart':
          return json(res, 202, { id: await client.restart(id, body.newInstanceId !== false) });
      }
    }
    return problem(res, 404, 'No dashboard action has this address.');
  }

  return { handle, close: () => live.close() };
}

/** The list's filter from its query string (the management API's parameter names, plus name). */
function filterOf(query: URLSearchParams): InstanceFilter {
  const filter: InstanceFilter = {};
  const statuses = runtimeStatuses(query);
  if (statuses.length > 0) filter.runtimeStatus = statuses;
  const from = dateParameter(query, 'createdTimeFrom');
  if (from) filter.createdTimeFrom = from;
  const to = dateParameter(query, 'createdTimeTo');
  if (to) filter.createdTimeTo = to;
  const prefix = single(query, 'instanceIdPrefix');
  if (prefix) filter.instanceIdPrefix = prefix;
  const name = single(query, 'name');
  if (name) filter.name = name;
  return filter;
}

function requiredText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ClientError(400, `${field} is required.`);
  return value.trim();
}

function optionalText(value: unknown, field: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw new ClientError(400, `${field} must be text.`);
  return value;
}

/** A JSON payload as the page sends it: the text the learner typed, which must be JSON (or empty: none). */
function jsonText(value: unknown, field: string): string | null {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return null;
  if (typeof value !== 'string') throw new ClientError(400, `${field} must be JSON text.`);
  try {
    return JSON.stringify(JSON.parse(value));
  } catch (err) {
    throw new ClientError(
      400,
      `${field} is not valid JSON: ${(err as Error).message}. Strings need quotes: "cat.jpg".`,
    );
  }
}

/** What to tell the page when storage did not answer as hoped: no such hub, no storage at all, or something else. */
function storageProblem(err: unknown, hubName: string): [number, string] {
  const { statusCode, code, message } = err as { statusCode?: number; code?: string; message?: string };
  // The SDK's paged reads do not always fill in `code`: the service's answer is in the message.
  if (code === 'TableNotFound' || (statusCode === 404 && /TableNotFound/.test(String(message)))) {
    return [
      404,
      `The storage account has no task hub named ${hubName} (no ${hubName}Instances table). Check the hub name (--hub, or the lab's host.json), or start an orchestration first.`,
    ];
  }
  if (code === 'ECONNREFUSED' || /ECONNREFUSED|fetch failed|socket hang up/.test(String(message))) {
    return [
      503,
      'Storage is not reachable. Is Azurite running? `npm start -- NN` starts it, and keeps it running while you work.',
    ];
  }
  return [500, `The dashboard could not read the task hub: ${String(message ?? err)}`];
}
