// The extension's entity routes (HttpApiHandler.cs, route `entities/{entityName?}/{entityKey?}`),
// on the public webhook base and the SDK's RPC base:
//   GET  entities/{name}/{key}   the state: 200 with the state's JSON, 404 with no body when none
//                                (a key of `$` is the empty key);
//   GET  entities/{name}         the list (also `entities/`): 200, an array of
//                                {entityId, lastOperationTime, state}, paged by x-ms-continuation-token
//                                (the header always sent, empty on the last page);
//   POST entities/{name}/{key}?op=…  a signal (DELETE: the operation `delete`): 202, no body; the
//                                body is the input (JSON when the content type is application/json,
//                                else the text as a JSON string; none when empty);
//   any other method: 404 with no body. An ArgumentException (a bad id, JSON that does not parse,
//   an entity function the app does not have) is a 400 with {"Message": …}.

import type { IncomingMessage } from 'node:http';
import { ClientError } from '../client-error.ts';
import { booleanParameter, dateParameter, pageSize } from '../management-query.ts';
import type { EntityClient } from './client.ts';

export interface EntityRouteContext {
  req: IncomingMessage;
  url: URL;
  method: string;
  /** The segments after `entities`. */
  segments: string[];
  entities: EntityClient;
  body(): Promise<string>;
  send(status: number, body?: unknown, headers?: Record<string, string>): void;
  /** A 404 with no body, the reason in the host's log. */
  notFound(why: string): void;
}

/** `$` in the key segment means the empty key (HttpApiHandler.EmptyEntityKeySymbol). */
const EMPTY_KEY = '$';

export async function handleEntityRoute(c: EntityRouteContext): Promise<void> {
  const { segments, method, url } = c;
  if (segments.length > 2) return c.notFound('no route of the management API takes this path.');
  const name = segments[0] ?? '';
  const key = segments[1];
  if (method === 'GET') {
    c.req.resume();
    if (key === undefined || key === '') {
      const token = c.req.headers['x-ms-continuation-token'];
      const page = await c.entities.list({
        ...(name ? { name } : {}),
        ...optional('lastOperationTimeFrom', dateParameter(url.searchParams, 'lastOperationTimeFrom')),
        ...optional('lastOperationTimeTo', dateParameter(url.searchParams, 'lastOperationTimeTo')),
        ...optional('top', pageSize(url.searchParams)),
        fetchState: booleanParameter(url.searchParams, 'fetchState', false),
        ...(typeof token === 'string' ? { continuation: token } : {}),
      });
      return c.send(200, page.entities, { 'x-ms-continuation-token': page.continuation ?? '' });
    }
    if (name === '') throw nameMissing();
    const state = await c.entities.readState(name, key === EMPTY_KEY ? '' : key);
    if (state === undefined)
      return c.notFound(`entity @${name.toLowerCase()}@${key} has no state (it never ran, or it deleted its state).`);
    return c.send(200, JSON.parse(state));
  }
  if (method === 'POST' || method === 'DELETE') {
    if (name === '') throw nameMissing();
    if (key === undefined)
      throw new ClientError(400, "Invalid entity id: entity key must not be null. (Parameter 'entityKey')");
    const operation = method === 'DELETE' ? 'delete' : (url.searchParams.get('op') ?? '');
    const text = await c.body();
    let input: string | null = null;
    if (text !== '') {
      const type = String(c.req.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim()
        .toLowerCase();
      if (type === 'application/json') {
        try {
          input = JSON.stringify(JSON.parse(text));
        } catch (err) {
          throw new ClientError(400, `Could not parse JSON content: ${(err as Error).message}`);
        }
      } else input = JSON.stringify(text);
    }
    await c.entities.signal(name, key, operation, input);
    return c.send(202);
  }
  c.req.resume();
  return c.notFound(`the entity routes take GET, POST and DELETE, not ${method}.`);
}

function nameMissing(): ClientError {
  return new ClientError(
    400,
    "Invalid entity id: entity name must not be a null or empty string. (Parameter 'entityName')",
  );
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
