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

const GUIDE = 'labs/02-query-parameters/README.md';
const MISSING = 'Please pass a container and blob names on the query string.';

type NameCheck = { valid: true } | { valid: false; reason: string };
interface StorageNames {
  checkContainerName(name: string): NameCheck;
  checkBlobName(name: string): NameCheck;
}

let app: LabApp;

beforeAll(async () => {
  app = await startLabApp();
});

afterAll(async () => {
  await app?.stop();
});

/** GET /api/images with these query parameters, encoded the way a browser would. */
function images(params: Record<string, string>): Promise<Response> {
  return app.fetch(`/api/images?${new URLSearchParams(params)}`);
}

/** Describes a request for messages, unencoded: control characters shown as \uXXXX, long names cut. */
function describe(params: Record<string, string>): string {
  const visible = (value: string) =>
    value.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const query = Object.entries(params)
    .map(([key, value]) => `${key}=${visible(value)}`)
    .join('&');
  const text = `GET /api/images?${query}`;
  if (text.length > 90) return `${text.slice(0, 87)}...`;
  // A name that ends in a dot would read like the end of the sentence.
  return text.endsWith('.') ? `${text} (the dot is part of the name)` : text;
}

async function jsonOf(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // reported below
  }
  return expect.fail(`${what} should answer with a JSON object, but answered: ${text || '(an empty body)'}`);
}

async function expectRejected(params: Record<string, string>, rule: RegExp): Promise<void> {
  const what = describe(params);
  const res = await images(params);
  await expectStatus(res, 400, what);
  const body = await jsonOf(res, what);
  expect(body.error, `${what}: the error should be a message`).toBeTypeOf('string');
  expect(body.error, `${what}: the error should name the broken rule, not say the name is missing`).not.toBe(MISSING);
  expect(body.error, `${what}: the error should name the broken rule`).toMatch(rule);
}

async function storageNames(): Promise<StorageNames> {
  return (await app.loadModule('src/lib/storage-names.ts')) as StorageNames;
}

check(
  'GET /api/images?container=samples&blob=photo.jpg answers 200 with the container, blob and path',
  {
    hint:
      "Register the function with app.http('images', …), read both names, and return { status: " +
      '200, jsonBody: { container, blob, path } }.',
    guide: `${GUIDE}#step-1-register-a-second-function`,
  },
  async ({ narrow }) => {
    const res = await images({ container: 'samples', blob: 'photo.jpg' });
    if (res.status === 404 && (await res.clone().text()) === '') {
      // The host's own 404, as the Functions host answers a path no function's route matches.
      expect.fail(
        'GET /api/images?container=samples&blob=photo.jpg answered 404 with no body: no function answers at /api/images yet.',
      );
    }
    if (res.status !== 404) {
      // Registered already: step 1 is done, so point at what is left.
      narrow({
        hint:
          'The function is registered. Now read both names with ' +
          "nonBlank(queryParam(request.query, 'container')) (and 'blob'), and return { status: 200, " +
          'jsonBody: { container, blob, path: `${container}/${blob}` } }.',
        guide: `${GUIDE}#step-2-read-the-query-parameters`,
      });
    }
    await expectStatus(res, 200, 'GET /api/images?container=samples&blob=photo.jpg');
    const body = await jsonOf(res, 'GET /api/images?container=samples&blob=photo.jpg');
    expect(body, 'the JSON answer').toEqual({ container: 'samples', blob: 'photo.jpg', path: 'samples/photo.jpg' });
  },
);

check(
  'query parameter names match whatever their case: ?Container=…&BLOB=…',
  {
    hint:
      "query.get('container') does not find ?Container=. In queryParam, loop over the pairs and " +
      'compare key.toLowerCase() with name.toLowerCase().',
    guide: `${GUIDE}#step-2-read-the-query-parameters`,
  },
  async () => {
    for (const [c, b] of [
      ['Container', 'BLOB'],
      ['CONTAINER', 'Blob'],
      ['cOnTaInEr', 'bLoB'],
    ] as const) {
      const res = await images({ [c]: 'samples', [b]: 'photo.jpg' });
      await expectStatus(res, 200, `GET /api/images?${c}=samples&${b}=photo.jpg`);
      const body = await jsonOf(res, `GET /api/images?${c}=samples&${b}=photo.jpg`);
      expect(body, 'the JSON answer').toEqual({ container: 'samples', blob: 'photo.jpg', path: 'samples/photo.jpg' });
    }
  },
);

check(
  'blob names are kept exactly as sent, slashes and case included',
  {
    hint:
      'Match the parameter *names* loosely, but never change the *values*: blob names are ' +
      'case-sensitive and may contain "/".',
    guide: `${GUIDE}#step-2-read-the-query-parameters`,
  },
  async () => {
    const res = await images({ container: 'photos-2024', blob: '2024/05/My Photo.JPG' });
    await expectStatus(res, 200, 'GET /api/images?container=photos-2024&blob=2024/05/My Photo.JPG');
    const body = await jsonOf(res, 'GET /api/images?container=photos-2024&blob=2024/05/My Photo.JPG');
    expect(body, 'the JSON answer').toEqual({
      container: 'photos-2024',
      blob: '2024/05/My Photo.JPG',
      path: 'photos-2024/2024/05/My Photo.JPG',
    });
  },
);

check(
  'a parameter sent twice arrives as one value, joined with commas, and is checked as a whole',
  {
    hint:
      'Nothing new to write: this passes once Steps 2 to 5 are done. The host joins ' +
      '?blob=a.jpg&blob=b.jpg into "a.jpg,b.jpg", queryParam returns that value, and the name ' +
      'checks of Step 4 judge it: a comma is fine in a blob name, not in a container name.',
    guide: `${GUIDE}#step-2-read-the-query-parameters`,
  },
  async () => {
    const twice = 'GET /api/images?container=samples&blob=a.jpg&BLOB=b.jpg';
    const res = await app.fetch('/api/images?container=samples&blob=a.jpg&BLOB=b.jpg');
    await expectStatus(res, 200, twice);
    expect(await jsonOf(res, twice), `${twice}: the JSON answer`).toEqual({
      container: 'samples',
      blob: 'a.jpg,b.jpg',
      path: 'samples/a.jpg,b.jpg',
    });

    const containers = 'GET /api/images?container=samples&container=photos&blob=photo.jpg';
    const bad = await app.fetch('/api/images?container=samples&container=photos&blob=photo.jpg');
    await expectStatus(bad, 400, containers);
    const body = await jsonOf(bad, containers);
    expect(body.error, `${containers}: the container "samples,photos" breaks a container name rule`).toMatch(
      /lower|letter|digit|character/i,
    );
  },
);

check(
  'a missing or blank container or blob answers 400 with the JSON error',
  {
    hint: `If either name is missing or blank, return { status: 400, jsonBody: { error: '${MISSING}' } }.`,
    guide: `${GUIDE}#step-3-answer-400-when-a-name-is-missing`,
  },
  async () => {
    const cases: Record<string, string>[] = [
      {},
      { container: 'samples' },
      { blob: 'photo.jpg' },
      { container: '', blob: 'photo.jpg' },
      { container: 'samples', blob: '' },
      { container: '   ', blob: 'photo.jpg' },
      { container: 'samples', blob: '   ' },
    ];
    for (const params of cases) {
      const what = describe(params);
      const res = await images(params);
      await expectStatus(res, 400, what);
      const body = await jsonOf(res, what);
      expect(body.error, `${what}: the error message`).toBe(MISSING);
    }
  },
);

check(
  'container names Azure Storage would reject answer 400 naming the rule',
  {
    hint:
      'Write checkContainerName in src/lib/storage-names.ts: 3 to 63 characters; lowercase ' +
      'letters, digits and hyphens; starts and ends with a letter or digit; no "--".',
    guide: `${GUIDE}#step-4-validate-the-names`,
  },
  async () => {
    const length = /\b3\b|\b63\b|long|short|length|characters/i;
    await expectRejected({ container: 'ab', blob: 'photo.jpg' }, length);
    await expectRejected({ container: 'a'.repeat(64), blob: 'photo.jpg' }, length);
    await expectRejected({ container: 'My_Photos', blob: 'photo.jpg' }, /lower|letter|digit|character/i);
    await expectRejected({ container: 'photos!', blob: 'photo.jpg' }, /lower|letter|digit|character/i);
    await expectRejected({ container: '-photos', blob: 'photo.jpg' }, /start|begin|letter|digit/i);
    await expectRejected({ container: 'photos-', blob: 'photo.jpg' }, /end|letter|digit/i);
    await expectRejected({ container: 'my--photos', blob: 'photo.jpg' }, /hyphen|dash|--/i);
  },
);

check(
  'blob names Azure Storage would reject, or that traverse paths, answer 400 naming the rule',
  {
    hint:
      'Write checkBlobName in src/lib/storage-names.ts: 1 to 1024 characters; no leading / or ' +
      '\\; no control characters; no "." or ".." segment; no dot, / or \\ at the end; at most 254 segments.',
    guide: `${GUIDE}#step-4-validate-the-names`,
  },
  async () => {
    const traversal = /\.\.|travers|segment|parent/i;
    await expectRejected({ container: 'samples', blob: '../secrets.txt' }, traversal);
    await expectRejected({ container: 'samples', blob: 'a/../../b.jpg' }, traversal);
    await expectRejected({ container: 'samples', blob: 'a\\..\\b.jpg' }, traversal);
    await expectRejected({ container: 'samples', blob: '/photo.jpg' }, /slash|\/|start|begin|leading/i);
    await expectRejected({ container: 'samples', blob: '\\photo.jpg' }, /slash|\\|start|begin|leading/i);
    await expectRejected({ container: 'samples', blob: 'a\u0000b.jpg' }, /control|character/i);
    await expectRejected({ container: 'samples', blob: 'tab\there.jpg' }, /control|character/i);
    await expectRejected({ container: 'samples', blob: 'a'.repeat(1025) }, /1024|long|length|characters/i);
    await expectRejected({ container: 'samples', blob: `${'a/'.repeat(254)}z` }, /254|segment|part|deep|slash/i);
    // A "." segment is resolved away by URLs too: samples/. is the container's own URL.
    await expectRejected({ container: 'samples', blob: '.' }, /segment|dot|"\."/i);
    await expectRejected({ container: 'samples', blob: 'a/./b.jpg' }, /segment|dot|"\."/i);
    await expectRejected({ container: 'samples', blob: 'photo.jpg.' }, /end|dot|trailing|last/i);
    await expectRejected({ container: 'samples', blob: 'photos/' }, /end|slash|trailing|last/i);
    // The same, percent-encoded: %2e is a dot once the query string is decoded.
    const encoded = await app.fetch('/api/images?container=samples&blob=%2e');
    await expectStatus(encoded, 400, 'GET /api/images?container=samples&blob=%2e');
    const body = await jsonOf(encoded, 'GET /api/images?container=samples&blob=%2e');
    expect(body.error, 'GET /api/images?container=samples&blob=%2e: the error should name the broken rule').toMatch(
      /segment|dot|"\."/i,
    );
  },
);

check(
  'checkContainerName accepts valid names and rejects the rest, with a reason',
  {
    hint:
      'checkContainerName(name) returns { valid: true } or { valid: false, reason } — test the ' +
      'edges: 3 and 63 characters, hyphens at the ends, "--".',
    guide: `${GUIDE}#step-4-validate-the-names`,
  },
  async () => {
    const { checkContainerName } = await storageNames();
    for (const name of ['abc', 'samples', 'photos-2024', 'a-b-c', '0123', 'a'.repeat(63)]) {
      expect(
        checkContainerName(name),
        `checkContainerName('${name.length > 20 ? `${name.length} × a` : name}')`,
      ).toEqual({ valid: true });
    }
    for (const name of [
      '',
      'ab',
      'a'.repeat(64),
      'Samples',
      'my_photos',
      'my photos',
      'ab.c',
      '-abc',
      'abc-',
      'a--b',
      '$root',
    ]) {
      const result = checkContainerName(name);
      const shown = name.length > 20 ? `${name.length} × a` : name;
      expect(result.valid, `checkContainerName('${shown}').valid`).toBe(false);
      if (!result.valid) expect(result.reason, `checkContainerName('${name}').reason`).toMatch(/\S/);
    }
  },
);

check(
  'checkBlobName accepts valid names and rejects the rest, with a reason',
  {
    hint:
      'checkBlobName(name) returns { valid: true } or { valid: false, reason }. "." and ".." ' +
      'are only a problem as whole segments (between slashes or backslashes): "a..b.jpg" and ' +
      '".hidden" are fine. A dot, a slash or a backslash at the very end is not.',
    guide: `${GUIDE}#step-4-validate-the-names`,
  },
  async () => {
    const { checkBlobName } = await storageNames();
    const label = (name: string) => JSON.stringify(name.length > 30 ? `${name.slice(0, 27)}...` : name);
    const good = [
      'photo.jpg',
      'a..b.jpg',
      '.hidden',
      'a/.config/b.json',
      '2024/05/photo.jpg',
      'my photo.jpg',
      'Photo.JPG',
      'a'.repeat(1024),
      `${'a/'.repeat(253)}z`,
    ];
    for (const name of good) expect(checkBlobName(name), `checkBlobName(${label(name)})`).toEqual({ valid: true });
    const bad = [
      '',
      '..',
      '../x',
      'a/../b',
      'a/..',
      'a\\..\\b',
      '.',
      './x',
      'a/./b',
      'a\\.\\b',
      'photo.',
      'a/',
      'a\\',
      '/x',
      '\\x',
      'a\u0000b',
      'a\nb',
      'a\u007fb',
      'a'.repeat(1025),
      `${'a/'.repeat(254)}z`,
    ];
    for (const name of bad) {
      const result = checkBlobName(name);
      expect(result.valid, `checkBlobName(${label(name)}).valid`).toBe(false);
      if (!result.valid) expect(result.reason, `checkBlobName(${label(name)}).reason`).toMatch(/\S/);
    }
  },
);

check(
  'GET /api/hello?name=Ada still answers 200 (lab 01)',
  {
    hint: 'Your hello function from lab 01 should keep working: src/functions/hello.ts should not have changed.',
    guide: 'labs/01-http-trigger/README.md#step-3-greet-by-the-name-on-the-query-string',
  },
  async () => {
    const res = await app.fetch('/api/hello?name=Ada');
    await expectStatus(res, 200, 'GET /api/hello?name=Ada');
    expect(await res.text(), 'GET /api/hello?name=Ada should greet Ada').toContain('Hello, Ada!');
  },
);
