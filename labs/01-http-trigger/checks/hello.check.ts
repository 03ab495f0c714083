import { afterAll, beforeAll, expect } from 'vitest';
import { check, startLabApp, type LabApp } from '@workshop/testkit';

/**
 * Expects `res.status` to be `status`. When it is not, the message also quotes the app's own
 * JSON error, if any (such as a starter's "Not implemented yet: …").
 */
async function expectStatus(res: Response, status: number, what: string): Promise<void> {
  if (res.status === status) return;
  let said = '';
  try {
    const body: unknown = JSON.parse(await res.clone().text());
    const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
    if (typeof error === 'string') said = ` (it answered ${res.status}: "${error}")`;
  } catch {
    // not JSON: the status says enough
  }
  expect(res.status, `${what} should answer ${status}${said}`).toBe(status);
}

const GUIDE = 'labs/01-http-trigger/README.md';
const NO_NAME = 'Please pass a name on the query string or in the request body.';

let app: LabApp;

beforeAll(async () => {
  app = await startLabApp();
});

afterAll(async () => {
  await app?.stop();
});

function postJson(body: string): Promise<Response> {
  return app.fetch('/api/hello', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
}

/** The JSON body of an error answer, or a failed expectation that says what came instead. */
async function errorBody(res: Response, what: string): Promise<{ error?: unknown }> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    expect.fail(
      `${what} should answer with a JSON body like {"error": "..."}, but answered: ${text || '(an empty body)'}`,
    );
  }
  expect(body, `${what} should answer with a JSON object`).toBeTypeOf('object');
  return body as { error?: unknown };
}

check(
  'GET /api/hello?name=Ada answers 200 with Hello, Ada!',
  {
    hint: "Read the name with request.query.get('name') and return { status: 200, body: `Hello, ${name}!` }.",
    guide: `${GUIDE}#step-3-greet-by-the-name-on-the-query-string`,
  },
  async () => {
    const res = await app.fetch('/api/hello?name=Ada');
    await expectStatus(res, 200, 'GET /api/hello?name=Ada');
    expect(await res.text(), 'GET /api/hello?name=Ada should greet Ada').toContain('Hello, Ada!');
  },
);

check(
  'POST /api/hello with {"name":"Grace"} answers 200 with Hello, Grace!',
  {
    hint:
      'When the query string has no name, read the body with await request.text(), JSON.parse ' +
      'it, and use its name.',
    guide: `${GUIDE}#step-4-read-a-name-from-a-json-body`,
  },
  async () => {
    const res = await postJson('{"name":"Grace"}');
    await expectStatus(res, 200, 'POST /api/hello with {"name":"Grace"}');
    expect(await res.text(), 'POST /api/hello with {"name":"Grace"} should greet Grace').toContain('Hello, Grace!');
  },
);

check(
  'the name on the query string wins over the one in the body',
  {
    hint: 'Look at the query string first, and read the body only when it has no name.',
    guide: `${GUIDE}#step-4-read-a-name-from-a-json-body`,
  },
  async () => {
    const res = await app.fetch('/api/hello?name=Ada', { method: 'POST', body: '{"name":"Grace"}' });
    await expectStatus(res, 200, 'POST /api/hello?name=Ada with {"name":"Grace"}');
    expect(await res.text(), 'POST /api/hello?name=Ada with {"name":"Grace"} should greet Ada').toContain(
      'Hello, Ada!',
    );
  },
);

check(
  'GET /api/hello without a name answers 400 with the JSON error',
  {
    hint: `No name anywhere: return { status: 400, jsonBody: { error: '${NO_NAME}' } }.`,
    guide: `${GUIDE}#step-5-answer-400-when-there-is-no-name`,
  },
  async () => {
    const res = await app.fetch('/api/hello');
    await expectStatus(res, 400, 'GET /api/hello without a name');
    expect(res.headers.get('content-type'), 'the 400 answer should be JSON').toMatch(/application\/json/);
    const body = await errorBody(res, 'GET /api/hello without a name');
    expect(body.error, 'the error message for a missing name').toBe(NO_NAME);
  },
);

check(
  'a blank name, or a JSON body without a name, answers 400 too',
  {
    hint:
      'Trim the name and treat "" like no name at all. A body such as {} or {"name": 42} has no ' +
      'usable name either.',
    guide: `${GUIDE}#step-5-answer-400-when-there-is-no-name`,
  },
  async () => {
    const cases: Array<[string, () => Promise<Response>]> = [
      ['GET /api/hello?name=', () => app.fetch('/api/hello?name=')],
      ['GET /api/hello?name=%20%20', () => app.fetch('/api/hello?name=%20%20')],
      ['POST /api/hello with {}', () => postJson('{}')],
      ['POST /api/hello with {"name":"  "}', () => postJson('{"name":"  "}')],
      ['POST /api/hello with {"name":42}', () => postJson('{"name":42}')],
      ['POST /api/hello with []', () => postJson('[]')],
    ];
    for (const [what, send] of cases) {
      const res = await send();
      await expectStatus(res, 400, what);
      const body = await errorBody(res, what);
      expect(body.error, `the error message for ${what}`).toBe(NO_NAME);
    }
  },
);

check(
  'a body that is not JSON answers 400 with a JSON error, not 500',
  {
    hint:
      'request.json() throws on bad JSON, and a throw becomes a 500. Use JSON.parse(await ' +
      'request.text()) inside try/catch and answer 400.',
    guide: `${GUIDE}#step-4-read-a-name-from-a-json-body`,
  },
  async () => {
    for (const body of ['{"name":', 'name=Ada', '{name: "Ada"}']) {
      const res = await postJson(body);
      await expectStatus(res, 400, `POST /api/hello with the body ${body}`);
      const json = await errorBody(res, `POST /api/hello with the body ${body}`);
      expect(json.error, 'the error should be a message that says what is wrong').toBeTypeOf('string');
      expect(String(json.error).length, 'the error message should not be empty').toBeGreaterThan(0);
    }
  },
);
