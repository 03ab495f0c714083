// The bad-input matrix for the Durable Functions management API (the public webhooks and the
// SDK's RPC base, same routes): unknown and malformed instance ids on every instance route,
// wrong methods, starts of functions that are not orchestrators, malformed bodies, and list and
// status parameters storage would refuse or the extension would quietly ignore.

import type { FunctionInfo } from '@workshop/host';
import { hugeBodies, type BadInput, type InputGroup } from './bad-input-cases.ts';
import { HUGE, MALFORMED_JSON } from './bad-input-values.ts';

export const MANAGEMENT_PREFIXES = ['/runtime/webhooks/durabletask', '/durabletask'];

/**
 * Instance ids as they appear in the request path (encoded), what is wrong with each, and the
 * one right status where a 404 would mean storage was asked about an id it cannot hold.
 */
const BAD_IDS: ReadonlyArray<[what: string, encoded: string, expectStatus?: number]> = [
  ['an unknown id', 'no-such-instance-0b1d'],
  ['an id with an encoded slash', 'a%2Fb'],
  ['an id with a backslash', 'a%5Cb'],
  ['an id with #', 'a%23b'],
  ['an id with ?', 'a%3Fb'],
  ['an id with a NUL byte', 'a%00b'],
  ['an id with a line break', 'a%0D%0Ab'],
  ['an id of 257 characters', 'i'.repeat(257)],
  ['an id of 10 KB', HUGE],
  ['an id starting with @', '%40entity%40x'],
  ['a blank id', '%20%20'],
  ['a malformed percent escape', '%E0%A4%A'],
  // Valid ids that no instance has (the last three: never used to start one).
  // 256 characters, each ^ escaped to ^^ in the table key as DTFx escapes it: 512, within a key's 1 KiB.
  ['an unknown id of 256 ^ (512 characters once escaped as a table key)', '%5E'.repeat(256)],
  ['an emoji id', encodeURIComponent('📷🔥')],
  ['a right-to-left id', encodeURIComponent('\u202edi-lacisyhp')],
];

const json = { 'Content-Type': 'application/json' };

/** A continuation token of the shape the API hands out (base64 of JSON), holding `value`. */
const token = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');

/** Continuation tokens the API never handed out: base64 JSON, but not of two string keys. */
const BAD_TOKENS: ReadonlyArray<[what: string, header: string]> = [
  ['not base64 at all', 'not-a-token%%%'],
  ['10 KB of x', HUGE],
  ['nextRowKey an object', token({ nextPartitionKey: 'a', nextRowKey: { $gt: '' } })],
  ['nextRowKey an array', token({ nextPartitionKey: 'a', nextRowKey: ['a', 'b'] })],
  ['nextRowKey a number', token({ nextPartitionKey: 'a', nextRowKey: 5 })],
  ['nextPartitionKey a number', token({ nextPartitionKey: 5 })],
  ['nextPartitionKey empty', token({ nextPartitionKey: '' })],
  ['an extra field', token({ nextPartitionKey: 'a', nextRowKey: '', filter: "PartitionKey ne ''" })],
  ['a JSON array', token(['a', 'b'])],
  ['a lone surrogate in a key', Buffer.from('{"nextPartitionKey":"a\\ud800"}', 'utf8').toString('base64')],
  ['a 10 KB key', token({ nextPartitionKey: HUGE })],
];

/** Query strings of the instance list (GET instances/) that must be a 400 naming the parameter. */
const BAD_LIST_QUERIES: ReadonlyArray<[what: string, query: string]> = [
  ['instanceIdPrefix of 12 KB', `instanceIdPrefix=${'p'.repeat(12 * 1024)}`],
  ['instanceIdPrefix with an encoded slash (a%2Fb)', 'instanceIdPrefix=a%2Fb'],
  ['runtimeStatus with 500 entries', `runtimeStatus=${Array.from({ length: 500 }, () => 'Running').join(',')}`],
  ['runtimeStatus=Running,Running', 'runtimeStatus=Running,Running'],
  ['runtimeStatus=Running&runtimeStatus=Running', 'runtimeStatus=Running&runtimeStatus=Running'],
  ['runtimeStatus=running (the names are case-sensitive)', 'runtimeStatus=running'],
  ['runtimeStatus=Bogus', 'runtimeStatus=Bogus'],
  ['runtimeStatus=0 (an enum number)', 'runtimeStatus=0'],
  ...[
    'garbage',
    '2024-02-30',
    '1500-01-01',
    '275760-09-13',
    '2024-01-01T25:00:00Z',
    '2024-01-01T00:00:00+15:00',
  ].flatMap((date): Array<[string, string]> => [
    [`createdTimeFrom=${date}`, `createdTimeFrom=${encodeURIComponent(date)}`],
    [`createdTimeTo=${date}`, `createdTimeTo=${encodeURIComponent(date)}`],
  ]),
  ['createdTimeFrom given twice', 'createdTimeFrom=2024-01-01&createdTimeFrom=2024-02-01'],
  ...['0', '-1', '1e9', 'abc', '1001', '1.5', '0x10'].map((top): [string, string] => [`top=${top}`, `top=${top}`]),
  ['top=1&top=2', 'top=1&top=2'],
  ['showInput=yes', 'showInput=yes'],
];

/** The status route's booleans, each `maybe` (the extension reads that as false). */
const STATUS_BOOLEANS = ['showHistory', 'showHistoryOutput', 'showInput', 'returnInternalServerErrorOnFailure'];

export function managementInputs(functions: FunctionInfo[]): BadInput[] {
  const orchestrator = functions.find((f) => f.trigger.toLowerCase() === 'orchestrationtrigger')?.name;
  const activity = functions.find((f) => f.trigger.toLowerCase() === 'activitytrigger')?.name;
  const entity = functions.find((f) => f.trigger.toLowerCase() === 'entitytrigger')?.name;
  const inputs: BadInput[] = [];
  for (const prefix of MANAGEMENT_PREFIXES) {
    const target = prefix === MANAGEMENT_PREFIXES[0] ? 'management API' : 'management API (RPC base)';
    const add = (
      what: string,
      method: string,
      path: string,
      body?: string | Buffer,
      headers?: Record<string, string>,
      group?: InputGroup,
      expectStatus?: number,
    ) =>
      inputs.push({
        target,
        what,
        request: {
          method,
          target: `${prefix}${path}`,
          ...(body === undefined ? {} : { body }),
          ...(headers ? { headers } : {}),
        },
        ...(group ? { group } : {}),
        ...(expectStatus ? { expectStatus } : {}),
      });

    for (const [what, id, expectStatus] of BAD_IDS) {
      const addId = (action: string, method: string, path: string, body?: string, headers?: Record<string, string>) =>
        add(`${action} ${what}`, method, path, body, headers, 'instance-id', expectStatus);
      addId('status of', 'GET', `/instances/${id}`);
      addId('status with history of', 'GET', `/instances/${id}?showHistory=true&showHistoryOutput=true`);
      addId('raise an event on', 'POST', `/instances/${id}/raiseEvent/approval`, '{"ok":true}', json);
      addId('terminate', 'POST', `/instances/${id}/terminate?reason=bad-input`);
      addId('suspend', 'POST', `/instances/${id}/suspend?reason=bad-input`);
      addId('resume', 'POST', `/instances/${id}/resume?reason=bad-input`);
      addId('rewind', 'POST', `/instances/${id}/rewind?reason=bad-input`);
      addId('restart', 'POST', `/instances/${id}/restart`);
      addId('purge', 'DELETE', `/instances/${id}`);
    }
    add('an event name of 10 KB', 'POST', `/instances/no-such-instance/raiseEvent/${HUGE}`, '{}', json);
    add(
      'an event with a malformed JSON body',
      'POST',
      '/instances/no-such-instance/raiseEvent/approval',
      '{"ok":',
      json,
    );
    add('an event that is not JSON', 'POST', '/instances/no-such-instance/raiseEvent/approval', 'ok', {
      'Content-Type': 'text/plain',
    });
    add('raise an event without a name', 'POST', '/instances/no-such-instance/raiseEvent', '{}', json);
    add('an unknown operation', 'POST', '/instances/no-such-instance/explode');
    add('GET on terminate', 'GET', '/instances/no-such-instance/terminate');
    add('PUT on an instance', 'PUT', '/instances/no-such-instance', '{}');
    add('DELETE on the instance list (purge everything)', 'DELETE', '/instances');
    add('DELETE on the instance list with a trailing slash', 'DELETE', '/instances/');
    add('an unknown route', 'GET', '/nothing-here');
    add('dot segments out of the API', 'GET', '/instances/%2e%2e/%2e%2e/%2e%2e/etc/passwd');
    // Parameters are read before storage is asked: an unknown instance answers 400, not 404.
    const query = (what: string, path: string, headers?: Record<string, string>) =>
      add(what, 'GET', path, undefined, headers, 'management-query', 400);
    for (const [what, header] of BAD_TOKENS)
      query(`a continuation token: ${what}`, '/instances', { 'x-ms-continuation-token': header });
    for (const [what, q] of BAD_LIST_QUERIES) query(`list with ${what}`, `/instances?${q}`);
    for (const name of STATUS_BOOLEANS) query(`status with ${name}=maybe`, `/instances/no-such-instance?${name}=maybe`);
    query('status with showHistory given twice', '/instances/no-such-instance?showHistory=true&showHistory=false');
    add('start a function that does not exist', 'POST', '/orchestrators/noSuchOrchestrator');
    add('start an orchestrator name of 10 KB', 'POST', `/orchestrators/${HUGE}`);
    add('start with a NUL in the name', 'POST', '/orchestrators/a%00b');
    add('GET on the start route', 'GET', `/orchestrators/${orchestrator ?? 'x'}`);
    if (activity) add('start an activity as an orchestration', 'POST', `/orchestrators/${activity}`);
    if (orchestrator) {
      // Not the first (an unknown id is a fine id to start with) nor the unicode ones at the end.
      for (const [what, id, expectStatus] of BAD_IDS.slice(1, -3))
        add(
          `start with ${what}`,
          'POST',
          `/orchestrators/${orchestrator}/${id}`,
          undefined,
          undefined,
          'instance-id',
          expectStatus,
        );
      for (const [what, body] of MALFORMED_JSON)
        add(`start with ${what}`, 'POST', `/orchestrators/${orchestrator}`, body, json);
      inputs.push(...hugeBodies(target, `${prefix}/orchestrators/${orchestrator}`));
    }
    if (entity) {
      // The entity routes (lab 13): a signal the extension refuses before it is sent, and
      // list parameters that do not parse. An operation's input is the entity's to check: a
      // well-formed signal with a bad input is accepted (202), as it is by the extension.
      add(
        'signal an entity with a malformed JSON body',
        'POST',
        `/entities/${entity}/samples?op=record`,
        '{"jobs":',
        json,
      );
      add('signal an entity function that does not exist', 'POST', '/entities/noSuchEntity/samples?op=record');
      add('signal an entity name of 10 KB', 'POST', `/entities/${HUGE}/samples?op=record`);
      add('signal an entity key with a control character', 'POST', `/entities/${entity}/a%01b?op=record`);
      add('PUT on an entity', 'PUT', `/entities/${entity}/samples`, '{}', json);
      query('list entities with top=abc', `/entities/${entity}?top=abc`);
      query('list entities with fetchState=maybe', `/entities/${entity}?fetchState=maybe`);
    }
  }
  return inputs;
}

/**
 * True when `target` is on the management API and `status` is one the Durable extension answers
 * with no content: 404 (no such route or instance) and 410 (the instance has ended), each
 * `CreateResponse(status)` in its HttpApiHandler.
 */
export function managementAnswerWithoutBody(target: string, status: number): boolean {
  const path = target.split('?')[0]!;
  return (
    (status === 404 || status === 410) &&
    MANAGEMENT_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))
  );
}

/** The instance list answers 200 when the API works. */
export const MANAGEMENT_KNOWN_GOOD = { method: 'GET', target: `${MANAGEMENT_PREFIXES[0]}/instances` };
