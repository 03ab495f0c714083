import { Buffer } from 'node:buffer';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { check, startLabApp, type LabApp } from '@workshop/testkit';
import { jpegWithPixels, pngClaiming, sampleImage } from '@workshop/samples';

const GUIDE = 'labs/04-resize-sharp/README.md';
const THUMBNAILS = 'thumbnails';

interface ThumbnailAnswer {
  container: string;
  blob: string;
  width: number;
  height: number;
  bytes: number;
  contentType: string;
}

/**
 * Expects `res.status` to be one of `statuses`. When it is not, the message also quotes the
 * app's own JSON error, if any (such as a starter's "Not implemented yet: …").
 */
async function expectStatus(res: Response, statuses: number | number[], what: string): Promise<void> {
  const allowed = Array.isArray(statuses) ? statuses : [statuses];
  if (allowed.includes(res.status)) return;
  let said = '';
  try {
    const body: unknown = JSON.parse(await res.clone().text());
    const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
    if (typeof error === 'string') said = ` (it answered ${res.status}: "${error}")`;
  } catch {
    // not JSON: the status says enough
  }
  expect(res.status, `${what} should answer ${allowed.join(' or ')}${said}`).toBe(allowed[0]);
}

async function jsonOf(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // reported below
  }
  return expect.fail(
    `${what} should answer with a JSON object, but answered: ${text.slice(0, 200) || '(an empty body)'}`,
  );
}

async function errorOf(res: Response, what: string): Promise<string> {
  const body = await jsonOf(res, what);
  expect(body.error, `${what}: "error" should be a message`).toBeTypeOf('string');
  expect(String(body.error).trim(), `${what}: "error" should not be empty`).not.toBe('');
  return body.error as string;
}

/** The JSON of a successful thumbnail answer, with every field of the right type. */
async function thumbnailOf(res: Response, what: string): Promise<ThumbnailAnswer> {
  const body = await jsonOf(res, what);
  expect(body.container, `${what}: "container"`).toBe(THUMBNAILS);
  expect(body.blob, `${what}: "blob" should be the thumbnail's name`).toBeTypeOf('string');
  for (const field of ['width', 'height', 'bytes'] as const) {
    expect(
      Number.isInteger(body[field]),
      `${what}: "${field}" should be a whole number, got ${JSON.stringify(body[field])}`,
    ).toBe(true);
  }
  expect(body.contentType, `${what}: "contentType"`).toBe('image/webp');
  return body as unknown as ThumbnailAnswer;
}

describe('with Azurite and the sample images', { concurrent: true }, () => {
  let app: LabApp;

  beforeAll(async () => {
    app = await startLabApp({ seed: true });
  });

  afterAll(async () => {
    await app?.stop();
  });

  const thumbnails = (params: Record<string, string>, method = 'GET') =>
    app.fetch(`/api/thumbnails?${new URLSearchParams(params)}`, { method });

  /** The stored thumbnail, decoded by sharp: its real format and size. */
  async function stored(
    name: string,
  ): Promise<{ bytes: Buffer; format: string; width: number; height: number; contentType: string | undefined }> {
    const blob = app.blobs.getContainerClient(THUMBNAILS).getBlobClient(name);
    expect(await blob.exists(), `the thumbnail ${THUMBNAILS}/${name} should exist in storage`).toBe(true);
    const [bytes, properties] = await Promise.all([blob.downloadToBuffer(), blob.getProperties()]);
    const meta = await sharp(bytes).metadata();
    return { bytes, format: meta.format, width: meta.width, height: meta.height, contentType: properties.contentType };
  }

  async function thumbnailNames(): Promise<string[]> {
    const container = app.blobs.getContainerClient(THUMBNAILS);
    if (!(await container.exists())) return [];
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat()) names.push(blob.name);
    return names.sort();
  }

  check(
    'GET /api/thumbnails?container=samples&blob=photo.jpg&width=200 answers 201 with a 200-pixel-wide WebP thumbnail',
    {
      hint:
        'Write makeThumbnail() (sharp: rotate, resize, webp), writeBlob(), and the handler: ' +
        'read, make, save, answer 201 with the JSON.',
      guide: `${GUIDE}#step-4-make-the-thumbnail`,
    },
    async ({ narrow }) => {
      const what = 'GET /api/thumbnails?container=samples&blob=photo.jpg&width=200';
      const res = await thumbnails({ container: 'samples', blob: 'photo.jpg', width: '200' });
      if (res.status === 200) {
        // Made and saved, and only the status is wrong: Step 6, not the thumbnail of Step 4.
        narrow({
          hint:
            'It answered 200 for a thumbnail that did not exist yet: answer created ? 201 : 200, with ' +
            "created from writeBlob (true when its upload with ifNoneMatch: '*' succeeded).",
          guide: `${GUIDE}#step-6-answer-with-201-or-200`,
        });
      }
      await expectStatus(res, 201, what);
      const answer = await thumbnailOf(res, what);
      expect(
        [answer.width, answer.height],
        'the thumbnail of the 1200 × 800 photo.jpg at width 200: [width, height]',
      ).toEqual([200, 133]);

      const thumb = await stored(answer.blob);
      expect(thumb.format, 'the stored thumbnail should be a WebP image').toBe('webp');
      expect([thumb.width, thumb.height], "the stored thumbnail's [width, height]").toEqual([
        answer.width,
        answer.height,
      ]);
      expect(thumb.contentType, "the stored thumbnail's content type").toBe('image/webp');
      expect(answer.bytes, '"bytes" should be the stored thumbnail\'s size').toBe(thumb.bytes.length);
    },
  );

  check(
    'POST for the same image and width again answers 200 and overwrites the thumbnail: one blob, not two',
    {
      hint:
        'Build the thumbnail name from the inputs only (`${container}/${blob}-w${width}.webp`), ' +
        'and in writeBlob answer created: false when the blob existed.',
      guide: `${GUIDE}#step-3-name-the-thumbnail`,
    },
    async ({ narrow }) => {
      const params = { container: 'samples', blob: 'badge.png', width: '120' };
      const what = 'POST /api/thumbnails?container=samples&blob=badge.png&width=120';
      const first = await thumbnails(params, 'POST');
      await expectStatus(first, 201, `${what} (the first time)`);
      const firstAnswer = await thumbnailOf(first, what);
      const before = await thumbnailNames();

      const second = await thumbnails(params, 'POST');
      const peek = (await second
        .clone()
        .json()
        .catch(() => undefined)) as { blob?: unknown } | undefined;
      if (second.status === 201 && peek?.blob === firstAnswer.blob) {
        // The name is stable, so only the status is left to fix.
        narrow({
          hint:
            'The thumbnail name is the same both times, good. Now the status: writeBlob says ' +
            'created: false when the blob existed, and the handler answers created ? 201 : 200.',
          guide: `${GUIDE}#step-6-answer-with-201-or-200`,
        });
      }
      await expectStatus(second, 200, `${what} (the second time)`);
      const secondAnswer = await thumbnailOf(second, what);
      expect(secondAnswer.blob, 'the same input and width should give the same thumbnail name').toBe(firstAnswer.blob);
      expect(
        await thumbnailNames(),
        `the blobs in "${THUMBNAILS}" after the second run should be the same as after the first`,
      ).toEqual(before);
    },
  );

  check(
    'without a width, the thumbnail is 200 pixels wide',
    {
      hint: 'parseWidth(undefined) and parseWidth("") should give { ok: true, width: 200 }.',
      guide: `${GUIDE}#step-2-check-the-width`,
    },
    async () => {
      const res = await thumbnails({ container: 'samples', blob: 'photo.jpg' });
      await expectStatus(res, [200, 201], 'GET /api/thumbnails?container=samples&blob=photo.jpg');
      const answer = await thumbnailOf(res, 'GET /api/thumbnails?container=samples&blob=photo.jpg');
      expect(answer.width, 'the default width').toBe(200);
    },
  );

  check(
    'a width that is not a whole number from 16 to 1024 answers 400',
    {
      hint:
        'In parseWidth, accept only digits (/^\\d+$/) and 16 ≤ width ≤ 1024; anything else is { ' +
        'ok: false, reason }.',
      guide: `${GUIDE}#step-2-check-the-width`,
    },
    async () => {
      for (const width of ['abc', '1.5', '-5', '0', '15', '1025', '1e3', '200px']) {
        const what = `GET /api/thumbnails?container=samples&blob=photo.jpg&width=${width}`;
        const res = await thumbnails({ container: 'samples', blob: 'photo.jpg', width });
        await expectStatus(res, 400, what);
        await errorOf(res, what);
      }
      // Accepted, so not a 400; the handler's placeholder (Step 6) may still answer 501, and this
      // check passes once parseWidth is done (the walkthrough saw no progress before Step 6).
      for (const width of ['16', '1024']) {
        const what = `GET /api/thumbnails?container=samples&blob=photo.jpg&width=${width}`;
        const res = await thumbnails({ container: 'samples', blob: 'photo.jpg', width });
        await expectStatus(res, [200, 201, 501], what);
      }
    },
  );

  check(
    'a photo with EXIF orientation 6 gives an upright thumbnail, taller than wide',
    {
      hint: 'Call .rotate() with no arguments before .resize(): it turns the image the way its EXIF orientation says.',
      guide: `${GUIDE}#step-4-make-the-thumbnail`,
    },
    async () => {
      const what = 'GET /api/thumbnails?container=samples&blob=rotated.jpg&width=100';
      const res = await thumbnails({ container: 'samples', blob: 'rotated.jpg', width: '100' });
      await expectStatus(res, [200, 201], what);
      const answer = await thumbnailOf(res, what);
      expect(
        [answer.width, answer.height],
        'rotated.jpg displays 200 × 400, so at width 100: ' + '[width, height]',
      ).toEqual([100, 200]);

      const thumb = await stored(answer.blob);
      expect([thumb.width, thumb.height], "the stored thumbnail's [width, height]").toEqual([100, 200]);
      // The sample's red band is on top when shown upright; turned the wrong way, it would be at the bottom.
      const { data, info } = await sharp(thumb.bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const at = (x: number, y: number) =>
        Array.from(data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3));
      const [red = 0, green = 255] = at(50, 10);
      expect(
        red > 150 && green < 100,
        `the top of the thumbnail should be the red band (pixel at 50,10 is rgb ${at(50, 10).join(',')})`,
      ).toBe(true);
    },
  );

  check(
    'a blob that is not an image answers 415 with a JSON error',
    {
      hint:
        'sharp(input).metadata() throws for bytes that are not an image: answer 415 (throw new ' +
        'ImageError(415, …)).',
      guide: `${GUIDE}#step-4-make-the-thumbnail`,
    },
    async () => {
      const what = 'GET /api/thumbnails?container=samples&blob=notes.jpg (a text file)';
      const res = await thumbnails({ container: 'samples', blob: 'notes.jpg' });
      await expectStatus(res, 415, what);
      await errorOf(res, what);
    },
  );

  check(
    'a damaged image answers 415 or 422 with a JSON error, not 500',
    {
      hint:
        'truncated.jpg has a good header but cut-off pixels: metadata() works, toBuffer() ' +
        'throws. Catch that and throw new ImageError(422, …).',
      guide: `${GUIDE}#step-4-make-the-thumbnail`,
    },
    async () => {
      const what = 'GET /api/thumbnails?container=samples&blob=truncated.jpg';
      const res = await thumbnails({ container: 'samples', blob: 'truncated.jpg' });
      await expectStatus(res, [422, 415], what);
      await errorOf(res, what);
      expect(await thumbnailNames(), 'no thumbnail should be saved for a damaged image').not.toContainEqual(
        expect.stringContaining('truncated'),
      );
    },
  );

  check(
    'an image of more than 40 megapixels (a decompression bomb) answers 413 or 422 with a JSON error',
    {
      hint:
        'Check metadata.width * metadata.height against MAX_INPUT_PIXELS before decoding, and ' +
        'pass { limitInputPixels: MAX_INPUT_PIXELS } to sharp.',
      guide: `${GUIDE}#step-4-make-the-thumbnail`,
    },
    async () => {
      const bomb = await sampleImage('huge.png');
      const what =
        `GET /api/thumbnails?container=samples&blob=huge.png (${bomb.bytes.length} ` + `bytes, 10000 × 10000 pixels)`;
      const res = await thumbnails({ container: 'samples', blob: 'huge.png' });
      await expectStatus(res, [422, 413], what);
      await errorOf(res, what);
    },
  );

  check(
    'a JPEG with a good header and random bytes for pixels answers 422, and no thumbnail of noise is saved',
    {
      hint:
        "Decode with failOn: 'warning' (sharp's default): 'error' and 'truncated' let random " +
        'pixel data through, and the answer is a 201 with a thumbnail of noise.',
      guide: `${GUIDE}#step-4-make-the-thumbnail`,
    },
    async () => {
      const noise = 16_384;
      const noisy = jpegWithPixels((await sampleImage('photo.jpg')).bytes, noise, 'noise');
      await app.blobs
        .getContainerClient('samples')
        .getBlockBlobClient('noisy.jpg')
        .uploadData(noisy, { blobHTTPHeaders: { blobContentType: 'image/jpeg' } });
      const what =
        `GET /api/thumbnails?container=samples&blob=noisy.jpg (photo.jpg's header, then ` + `${noise} bytes of noise)`;
      const res = await thumbnails({ container: 'samples', blob: 'noisy.jpg' });
      await expectStatus(res, 422, what);
      await errorOf(res, what);
      expect(await thumbnailNames(), 'no thumbnail should be saved for noisy.jpg').not.toContainEqual(
        expect.stringContaining('noisy'),
      );
    },
  );

  check(
    'a JPEG with a good header and only zero bytes after it answers 422, and no blank thumbnail is saved',
    {
      hint:
        'sharp decodes zero bytes as valid pixels, without a warning. Before decoding, a JPEG ' +
        'that is not jpegIsComplete(input) (no end-of-image marker after its pixels start) is ' +
        'damaged: throw ImageError(422, …).',
      guide: `${GUIDE}#step-4-make-the-thumbnail`,
    },
    async () => {
      const zeros = 16_384;
      const blank = jpegWithPixels((await sampleImage('photo.jpg')).bytes, zeros, 'zeros');
      await app.blobs
        .getContainerClient('samples')
        .getBlockBlobClient('zeroed.jpg')
        .uploadData(blank, { blobHTTPHeaders: { blobContentType: 'image/jpeg' } });
      const what =
        `GET /api/thumbnails?container=samples&blob=zeroed.jpg (photo.jpg's header, then ` + `${zeros} zero bytes)`;
      const res = await thumbnails({ container: 'samples', blob: 'zeroed.jpg' });
      await expectStatus(res, 422, what);
      await errorOf(res, what);
      expect(await thumbnailNames(), 'no thumbnail should be saved for zeroed.jpg').not.toContainEqual(
        expect.stringContaining('zeroed'),
      );
    },
  );

  check(
    'a PNG whose header claims 100000 × 100000 pixels answers 422 "too large", not 415',
    {
      hint:
        "Read the header with sharp(input, { limitInputPixels: false }).metadata(): sharp's own " +
        'pixel limit (about 268 megapixels) makes metadata() throw before your own size check can answer 422.',
      guide: `${GUIDE}#step-4-make-the-thumbnail`,
    },
    async ({ narrow }) => {
      const bomb = pngClaiming(100_000, 100_000);
      await app.blobs
        .getContainerClient('samples')
        .getBlockBlobClient('bomb.png')
        .uploadData(bomb, { blobHTTPHeaders: { blobContentType: 'image/png' } });
      const what =
        `GET /api/thumbnails?container=samples&blob=bomb.png (${bomb.length} bytes, ` + '100000 × 100000 pixels)';
      const res = await thumbnails({ container: 'samples', blob: 'bomb.png' });
      await expectStatus(res, 422, what);
      const error = await errorOf(res, what);
      if (!/megapixel|too large|too many pixels/i.test(error)) {
        // A 422 all the same: sharp's decode refused it (limitInputPixels), not the size check.
        narrow({
          hint:
            'The 422 came from decoding, not from a size check. After metadata(), compare metadata.width * ' +
            'metadata.height with MAX_INPUT_PIXELS and throw ImageError(422, …) saying the image is too large, and the limit.',
        });
      }
      expect(error, `${what}: the error should say the image is too large, and the limit`).toMatch(
        /megapixel|too large|too many pixels/i,
      );
    },
  );

  check(
    'storage errors and bad names answer as in lab 03: 404 for a missing blob, 400 for a bad name',
    {
      hint: 'Catch StorageError as well as ImageError in the handler, and keep the lab 02 name checks before reading.',
      guide: `${GUIDE}#step-6-answer-with-201-or-200`,
    },
    async () => {
      const missing = await thumbnails({ container: 'samples', blob: 'no-such-photo.jpg' });
      await expectStatus(missing, 404, 'GET /api/thumbnails?container=samples&blob=no-such-photo.jpg');
      expect(await errorOf(missing, 'the 404'), 'the error should name the missing blob').toContain(
        'no-such-photo.jpg',
      );

      const noContainer = await thumbnails({ container: 'no-such-container', blob: 'photo.jpg' });
      await expectStatus(noContainer, 404, 'GET /api/thumbnails?container=no-such-container&blob=photo.jpg');
      expect(await errorOf(noContainer, 'the 404'), 'the error should name the missing container').toContain(
        'no-such-container',
      );

      const badNames: Record<string, string>[] = [
        { container: 'samples' },
        { container: 'Samples', blob: 'photo.jpg' },
        { container: 'samples', blob: '../photo.jpg' },
        { container: 'samples', blob: '.' },
      ];
      for (const params of badNames) {
        const what = `GET /api/thumbnails?${Object.entries(params)
          .map(([k, v]) => `${k}=${v}`)
          .join('&')}`;
        const res = await thumbnails(params);
        await expectStatus(res, 400, what);
        await errorOf(res, what);
      }
    },
  );

  check(
    'the thumbnail can be read back with GET /api/images (lab 03)',
    {
      hint:
        'Save the thumbnail with its content type (blobHTTPHeaders: { blobContentType: ' +
        '"image/webp" }) and answer with its real name in "blob".',
      guide: `${GUIDE}#step-5-save-the-thumbnail`,
    },
    async () => {
      const made = await thumbnails({ container: 'samples', blob: 'small.webp', width: '64' });
      await expectStatus(made, [200, 201], 'GET /api/thumbnails?container=samples&blob=small.webp&width=64');
      const answer = await thumbnailOf(made, 'GET /api/thumbnails?container=samples&blob=small.webp&width=64');

      const res = await app.fetch(
        `/api/images?${new URLSearchParams({ container: answer.container, blob: answer.blob })}`,
      );
      await expectStatus(res, 200, `GET /api/images?container=${answer.container}&blob=${answer.blob}`);
      expect(res.headers.get('content-type'), "the thumbnail's Content-Type").toMatch(/^image\/webp\b/);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.length, "the thumbnail's size").toBe(answer.bytes);
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
    'when storage is unreachable, GET /api/thumbnails answers 503 with a JSON error',
    {
      hint:
        'readBlob() already turns "no answer" into StorageError(503, …) (lab 03): catch ' +
        'StorageError in the thumbnails handler too.',
      guide: `${GUIDE}#step-6-answer-with-201-or-200`,
    },
    async () => {
      const res = await app.fetch(
        `/api/thumbnails?${new URLSearchParams({ container: 'samples', blob: 'photo.jpg' })}`,
      );
      await expectStatus(res, 503, 'GET /api/thumbnails with storage unreachable');
      await errorOf(res, 'the 503');
    },
  );
});
