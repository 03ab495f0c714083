// The bad-input matrix for the task hub dashboard the host serves beside a durable app
// (/dashboard/): other sites' requests (the text/plain POST any web page may send, a forged
// Origin, a guessed or missing token, Sec-Fetch-Site cross-site), host names that are not this
// machine's (DNS rebinding, on the management API too), and reads with parameters storage would
// refuse. Each must be a 4xx with a JSON message, and nothing may start or change.

import type { FunctionInfo } from '@workshop/host';
import type { BadInput } from './bad-input-cases.ts';
import { HUGE } from './bad-input-values.ts';

const API = '/dashboard/api';
const json = { 'Content-Type': 'application/json' };

/** Write requests, each as another site would send it. */
function forgedWrites(orchestrator: string): Array<[what: string, path: string, body: string]> {
  const start = JSON.stringify({ name: orchestrator, instanceId: 'bad-input-dashboard-forged' });
  return [
    ['start an orchestration', `${API}/instances`, start],
    ['purge every ended instance', `${API}/bulk`, '{"action":"purge"}'],
    ['terminate every running instance', `${API}/bulk`, '{"action":"terminate"}'],
    ['move the clock', `${API}/clock`, '{"ms":3600000}'],
    ['terminate an instance', `${API}/instances/some-instance/terminate`, '{}'],
    ['purge an instance', `${API}/instances/some-instance/purge`, '{}'],
    ['raise an event', `${API}/instances/some-instance/raise-event`, '{"name":"Approval","data":"true"}'],
    ['restart an instance', `${API}/instances/some-instance/restart`, '{}'],
  ];
}

export function dashboardInputs(functions: FunctionInfo[], port: number): BadInput[] {
  const orchestrator = functions.find((f) => f.trigger.toLowerCase() === 'orchestrationtrigger')?.name ?? 'x';
  const inputs: BadInput[] = [];
  const add = (
    what: string,
    method: string,
    target: string,
    headers?: Record<string, string | readonly string[]>,
    body?: string,
    expectStatus?: number,
  ) =>
    inputs.push({
      target: 'dashboard',
      what,
      request: { method, target, ...(headers ? { headers } : {}), ...(body === undefined ? {} : { body }) },
      group: 'dashboard',
      ...(expectStatus ? { expectStatus } : {}),
    });

  for (const [what, path, body] of forgedWrites(orchestrator)) {
    add(
      `${what}: a cross-origin text/plain POST (what any page can send)`,
      'POST',
      path,
      { 'Content-Type': 'text/plain', Origin: 'http://evil.example' },
      body,
      403,
    );
    add(`${what}: JSON without the page's token`, 'POST', path, json, body, 403);
    add(`${what}: a guessed token`, 'POST', path, { ...json, 'X-Dashboard-Token': 'guess' }, body, 403);
    add(
      `${what}: Sec-Fetch-Site cross-site`,
      'POST',
      path,
      { ...json, 'Sec-Fetch-Site': 'cross-site', Origin: 'http://evil.example' },
      body,
      403,
    );
  }
  // Sent after the forgeries: had one of them started its instance, this would answer 200/202.
  add(
    'none of those started anything: the forged instance id is unknown',
    'GET',
    '/runtime/webhooks/durabletask/instances/bad-input-dashboard-forged',
    undefined,
    undefined,
    404,
  );
  // DNS rebinding: a page of another domain resolved to 127.0.0.1 sends its own name as Host.
  for (const host of [
    'rebound.example',
    `rebound.example:${port}`,
    `127.0.0.1.rebound.example:${port}`,
    `localhost.rebound.example:${port}`,
    `0.0.0.0:${port}`,
    `192.168.0.10:${port}`,
  ]) {
    add(`the page, Host ${host}`, 'GET', '/dashboard/', { Host: host }, undefined, 403);
    add(`the instance list, Host ${host}`, 'GET', `${API}/instances`, { Host: host }, undefined, 403);
    add(
      `the management API's list, Host ${host}`,
      'GET',
      '/runtime/webhooks/durabletask/instances',
      { Host: host },
      undefined,
      403,
    );
    add(
      `a start through the management API, Host ${host}`,
      'POST',
      `/runtime/webhooks/durabletask/orchestrators/${orchestrator}`,
      { Host: host },
      undefined,
      403,
    );
  }
  // Reads the page never sends.
  add('a page size of 0', 'GET', `${API}/instances?top=0`, undefined, undefined, 400);
  add('a page size of 10 KB of digits', 'GET', `${API}/instances?top=${'9'.repeat(10_000)}`, undefined, undefined, 400);
  add(
    'createdTimeFrom that is not a date',
    'GET',
    `${API}/instances?createdTimeFrom=yesterday`,
    undefined,
    undefined,
    400,
  );
  add('an unknown status', 'GET', `${API}/instances?runtimeStatus=Exploded`, undefined, undefined, 400);
  add('an id prefix with a slash', 'GET', `${API}/instances?instanceIdPrefix=a%2Fb`, undefined, undefined, 400);
  add('a page number that is not a number', 'GET', `${API}/instances?page=abc`, undefined, undefined, 400);
  add('a negative page number', 'GET', `${API}/instances?page=-1`, undefined, undefined, 400);
  add(
    'a page number of 10 KB of digits',
    'GET',
    `${API}/instances?page=${'9'.repeat(10_000)}`,
    undefined,
    undefined,
    400,
  );
  add('an instance id with #', 'GET', `${API}/instances/a%23b`, undefined, undefined, 400);
  add('an unknown instance', 'GET', `${API}/instances/no-such-instance`, undefined, undefined, 404);
  add('an instance id of 10 KB', 'GET', `${API}/instances/${HUGE}`, undefined, undefined, 400);
  add('a file outside the page', 'GET', '/dashboard/assets/..%2F..%2F..%2Fpackage.json', undefined, undefined, 404);
  add('a hidden file', 'GET', '/dashboard/assets/.env', undefined, undefined, 404);
  add('a NUL in a file name', 'GET', '/dashboard/assets/main%00.ts', undefined, undefined, 404);
  add('an unknown page', 'GET', '/dashboard/nothing-here', undefined, undefined, 404);
  add('an unknown API', 'GET', `${API}/nothing-here`, undefined, undefined, 404);
  add('PUT on the list', 'PUT', `${API}/instances`, json, '{}', 405);
  add('DELETE on an instance', 'DELETE', `${API}/instances/some-instance`, undefined, undefined, 405);
  return inputs;
}

/** The dashboard's list answers 200 when it works. */
export const DASHBOARD_KNOWN_GOOD = { method: 'GET', target: `${API}/instances` };
