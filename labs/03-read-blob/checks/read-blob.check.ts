import { Buffer } from 'node:buffer';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { check, startLabApp, type LabApp } from '@workshop/testkit';
import { sampleImage } from '@workshop/samples';

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

const GUIDE = 'labs/03-read-blob/README.md';
const MISSING = 'Please pass a container and blob names on the query string.';

async function jsonOf(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // reported below
  }
  return expect.fail(
    `${what} should answer with a JSON object like {"error": "..."}, but answered: ` +
      `${text.slice(0, 200) || '(an empty body)'}`,
  );
}

async function errorOf(res: Response, what: string): Promise<string> {
  const body = await jsonOf(res, what);
  expect(body.error, `${what}: "error" should be a message`).toBeTypeOf('string');
  return body.error as string;
}

async function bytesOf(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

describe('with Azurite and the sample images', { concurrent: true }, () => {
  let app: LabApp;

  beforeAll(async () => {
    app = await startLabApp({ seed: true });
  });

  afterAll(async () => {
    await app?.stop();
  });

  const images = (params: Record<string, string>) => app.fetch(`/api/images?${new URLSearchParams(params)}`);

  check(
    "GET /api/images?container=samples&blob=photo.jpg answers 200 with the blob's bytes and content type",
    {
      hint:
        'Write blobService() and readBlob() in src/lib/blob-storage.ts, then return ' +
        'blobResponse(bytes, contentType) from images.ts.',
      guide: `${GUIDE}#step-4-read-the-blob`,
    },
    async () => {
      const photo = await sampleImage('photo.jpg');
      const res = await images({ container: 'samples', blob: 'photo.jpg' });
      await expectStatus(res, 200, 'GET /api/images?container=samples&blob=photo.jpg');
      expect(res.headers.get('content-type'), "the Content-Type should be the blob's: image/jpeg").toMatch(
        /^image\/jpeg\b/,
      );
      const bytes = await bytesOf(res);
      expect(bytes.length, `the body should be the blob's ${photo.bytes.length} bytes`).toBe(photo.bytes.length);
      expect(bytes.equals(photo.bytes), 'the body should be exactly the bytes of samples/photo.jpg').toBe(true);
    },
  );

  check(
    'GET /api/images answers with the content type stored on the blob, not one guessed from the name',
    {
      hint:
        'Take the content type from the download response (response.contentType), which comes ' +
        "from the blob's properties.",
      guide: `${GUIDE}#step-4-read-the-blob`,
    },
    async () => {
      const content = Buffer.from('{"hello":"storage"}', 'utf8');
      await app.blobs
        .getContainerClient('samples')
        .getBlockBlobClient('data/greeting.bin')
        .uploadData(content, { blobHTTPHeaders: { blobContentType: 'application/vnd.workshop+json' } });
      const res = await images({ container: 'samples', blob: 'data/greeting.bin' });
      await expectStatus(res, 200, 'GET /api/images?container=samples&blob=data/greeting.bin');
      expect(res.headers.get('content-type'), 'the Content-Type stored on the blob').toBe(
        'application/vnd.workshop+json',
      );
      expect((await bytesOf(res)).equals(content), "the body should be the blob's bytes").toBe(true);
    },
  );

  check(
    'a blob that does not exist answers 404 with a JSON error naming the blob',
    {
      hint:
        "In toStorageError, a RestError with statusCode 404 and code 'BlobNotFound' becomes new " +
        'StorageError(404, …); images.ts answers it with error.status.',
      guide: `${GUIDE}#step-5-say-what-went-wrong`,
    },
    async () => {
      const res = await images({ container: 'samples', blob: 'no-such-photo.jpg' });
      await expectStatus(res, 404, 'GET /api/images?container=samples&blob=no-such-photo.jpg');
      const error = await errorOf(res, 'the 404 for a missing blob');
      expect(error, 'the error should name the missing blob').toContain('no-such-photo.jpg');
    },
  );

  check(
    'a container that does not exist answers 404 with a JSON error naming the container',
    {
      hint:
        "Tell the two 404s apart with error.code: 'ContainerNotFound' means the container is " +
        "missing, 'BlobNotFound' the blob.",
      guide: `${GUIDE}#step-5-say-what-went-wrong`,
    },
    async () => {
      const res = await images({ container: 'no-such-container', blob: 'photo.jpg' });
      await expectStatus(res, 404, 'GET /api/images?container=no-such-container&blob=photo.jpg');
      const error = await errorOf(res, 'the 404 for a missing container');
      expect(error, 'the error should name the missing container').toContain('no-such-container');
      expect(error, 'the error should say that it is the container that is missing').toMatch(/container/i);
      // A message that blames the blob ("The blob \"photo.jpg\" does not exist in the container …")
      // names the container too, but sends the learner looking for the wrong thing.
      // expect.fail, not .not.toContain: the verdict would print "expected: photo.jpg", the opposite of the point.
      if (error.includes('photo.jpg')) {
        expect.fail(
          `the container is missing, not the blob: the error should blame the container ` +
            `no-such-container, and not name the blob photo.jpg, but it says: ${error}`,
        );
      }

      const blobRes = await images({ container: 'samples', blob: 'no-such-photo.jpg' });
      const blobError = await errorOf(blobRes, 'the 404 for a missing blob');
      expect(error, 'a missing container and a missing blob should get different messages').not.toBe(blobError);
    },
  );

  check(
    'names are still checked before storage is called: missing or invalid names answer 400 (lab 02)',
    {
      hint: 'Keep the lab 02 checks at the top of the handler, before readBlob().',
      guide: 'labs/02-query-parameters/README.md#step-4-validate-the-names',
    },
    async () => {
      const missing = await images({ container: 'samples' });
      await expectStatus(missing, 400, 'GET /api/images?container=samples');
      expect(await errorOf(missing, 'the 400 for a missing blob name'), 'the error message').toBe(MISSING);
      for (const params of [
        { container: 'Samples', blob: 'photo.jpg' },
        { container: 'samples', blob: '../photo.jpg' },
        { container: 'samples', blob: '/photo.jpg' },
        // Without the check, the storage SDK turns samples/. into the container's URL: a 500.
        { container: 'samples', blob: '.' },
      ]) {
        const what = `GET /api/images?container=${params.container}&blob=${params.blob}`;
        const res = await images(params);
        await expectStatus(res, 400, what);
        await errorOf(res, what);
      }
    },
  );

  check(
    'GET /api/samples/photo.jpg answers 200 with the blob, read by a Blob input binding',
    {
      hint:
        "Declare input.storageBlob({ path: 'samples/{name}', connection: 'AzureWebJobsStorage' " +
        '}), add it to extraInputs, and read it with context.extraInputs.get().',
      guide: `${GUIDE}#step-6-let-a-binding-read-the-blob`,
    },
    async () => {
      for (const name of ['photo.jpg', 'badge.png']) {
        const sample = await sampleImage(name);
        const res = await app.fetch(`/api/samples/${name}`);
        await expectStatus(res, 200, `GET /api/samples/${name}`);
        expect(res.headers.get('content-type'), `the Content-Type of ${name}`).toMatch(
          new RegExp(`^${sample.contentType}\\b`),
        );
        expect(
          (await bytesOf(res)).equals(sample.bytes),
          `the body should be exactly the bytes of samples/${name}`,
        ).toBe(true);
      }
    },
  );

  check(
    'GET /api/samples/no-such-photo.jpg answers 404 with a JSON error',
    {
      hint:
        'When the blob does not exist, the binding gives you nothing (undefined or null): ' +
        'answer 404 with a JSON error.',
      guide: `${GUIDE}#step-6-let-a-binding-read-the-blob`,
    },
    async () => {
      const res = await app.fetch('/api/samples/no-such-photo.jpg');
      await expectStatus(res, 404, 'GET /api/samples/no-such-photo.jpg');
      const error = await errorOf(res, 'the 404 for a missing sample');
      expect(error, 'the error should name the missing blob').toContain('no-such-photo.jpg');
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
});

describe('with storage unreachable', { concurrent: true }, () => {
  let app: LabApp;

  beforeAll(async () => {
    app = await startLabApp({ storage: 'unreachable' });
  });

  afterAll(async () => {
    await app?.stop();
  });

  check(
    'when storage is unreachable, GET /api/images answers 503 with a JSON error that says so',
    {
      hint:
        'In toStorageError, a RestError without a statusCode means no answer at all: new ' +
        "StorageError(503, 'Storage is not reachable. Is Azurite running? …').",
      guide: `${GUIDE}#step-5-say-what-went-wrong`,
    },
    async () => {
      const res = await app.fetch(`/api/images?${new URLSearchParams({ container: 'samples', blob: 'photo.jpg' })}`);
      await expectStatus(res, 503, 'GET /api/images with storage unreachable');
      const error = await errorOf(res, 'the 503');
      expect(error, 'the error should say that storage cannot be reached').toMatch(
        /reach|unavailable|down|connect|azurite/i,
      );
    },
  );
});
