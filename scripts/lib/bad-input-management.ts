// The bad-input matrix for the Durable Functions management API (the public webhooks and the
// SDK's RPC base, same routes): unknown and malformed instance ids on every instance route,
// wrong methods, starts of functions that are not orchestrators, malformed bodies.

import type { FunctionInfo } from '@workshop/host';
import { hugeBodies, type BadInput } from './bad-input-cases.ts';
import { HUGE, MALFORMED_JSON } from './bad-input-values.ts';

export const MANAGEMENT_PREFIXES = ['/runtime/webhooks/durabletask', '/durabletask'];

/** Instance ids as they appear in the request path (encoded), and what is wrong with each. */
const BAD_IDS: ReadonlyArray<[what: string, encoded: string]> = [
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
  ['an emoji id', encodeURIComponent('📷🔥')],
  ['a right-to-left id', encodeURIComponent('\u202edi-lacisyhp')],
];

const json = { 'Content-Type': 'application/json' };

export function managementInputs(functions: FunctionInfo[]): BadInput[] {
  const orchestrator = functions.find((f) => f.trigger.toLowerCase() === 'orchestrationtrigger')?.name;
  const activity = functions.find((f) => f.trigger.toLowerCase() === 'activitytrigger')?.name;
  const inputs: BadInput[] = [];
  for (const prefix of MANAGEMENT_PREFIXES) {
    const target = prefix === MANAGEMENT_PREFIXES[0] ? 'management API' : 'management API (RPC base)';
    const add = (what: string, method: string, path: string, body?: string | Buffer, headers?: Record<string, string>, group?: 'instance-id') =>
      inputs.push({
        target,
        what,
        request: { method, target: `${prefix}${path}`, ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) },
        ...(group ? { group } : {}),
      });
    const addId = (what: string, method: string, path: string, body?: string, headers?: Record<string, string>) => add(what, method, path, body, headers, 'instance-id');

    for (const [what, id] of BAD_IDS) {
      addId(`status of ${what}`, 'GET', `/instances/${id}`);
      addId(`status with history of ${what}`, 'GET', `/instances/${id}?showHistory=true&showHistoryOutput=true`);
      addId(`raise an event on ${what}`, 'POST', `/instances/${id}/raiseEvent/approval`, '{"ok":true}', json);
      addId(`terminate ${what}`, 'POST', `/instances/${id}/terminate?reason=bad-input`);
      addId(`suspend ${what}`, 'POST', `/instances/${id}/suspend?reason=bad-input`);
      addId(`resume ${what}`, 'POST', `/instances/${id}/resume?reason=bad-input`);
      addId(`rewind ${what}`, 'POST', `/instances/${id}/rewind?reason=bad-input`);
      addId(`restart ${what}`, 'POST', `/instances/${id}/restart`);
      addId(`purge ${what}`, 'DELETE', `/instances/${id}`);
    }
    add('an event name of 10 KB', 'POST', `/instances/no-such-instance/raiseEvent/${HUGE}`, '{}', json);
    add('an event with a malformed JSON body', 'POST', '/instances/no-such-instance/raiseEvent/approval', '{"ok":', json);
    add('an event that is not JSON', 'POST', '/instances/no-such-instance/raiseEvent/approval', 'ok', { 'Content-Type': 'text/plain' });
    add('raise an event without a name', 'POST', '/instances/no-such-instance/raiseEvent', '{}', json);
    add('an unknown operation', 'POST', '/instances/no-such-instance/explode');
    add('GET on terminate', 'GET', '/instances/no-such-instance/terminate');
    add('PUT on an instance', 'PUT', '/instances/no-such-instance', '{}');
    add('DELETE on the instance list (purge everything)', 'DELETE', '/instances');
    add('DELETE on the instance list with a trailing slash', 'DELETE', '/instances/');
    add('an unknown route', 'GET', '/nothing-here');
    add('dot segments out of the API', 'GET', '/instances/%2e%2e/%2e%2e/%2e%2e/etc/passwd');
    add('a garbage continuation token', 'GET', '/instances', undefined, { 'x-ms-continuation-token': 'not-a-token%%%' });
    add('a 10 KB continuation token', 'GET', '/instances', undefined, { 'x-ms-continuation-token': HUGE });
    add('start a function that does not exist', 'POST', '/orchestrators/noSuchOrchestrator');
    add('start an orchestrator name of 10 KB', 'POST', `/orchestrators/${HUGE}`);
    add('start with a NUL in the name', 'POST', '/orchestrators/a%00b');
    add('GET on the start route', 'GET', `/orchestrators/${orchestrator ?? 'x'}`);
    if (activity) add('start an activity as an orchestration', 'POST', `/orchestrators/${activity}`);
    if (orchestrator) {
      // Not the first (an unknown id is a fine id to start with) nor the unicode ones at the end.
      for (const [what, id] of BAD_IDS.slice(1, -2)) addId(`start with ${what}`, 'POST', `/orchestrators/${orchestrator}/${id}`);
      for (const [what, body] of MALFORMED_JSON) add(`start with ${what}`, 'POST', `/orchestrators/${orchestrator}`, body, json);
      inputs.push(...hugeBodies(target, `${prefix}/orchestrators/${orchestrator}`));
    }
  }
  return inputs;
}

/** The instance list answers 200 when the API works. */
export const MANAGEMENT_KNOWN_GOOD = { method: 'GET', target: `${MANAGEMENT_PREFIXES[0]}/instances` };
