import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  check,
  describePayload,
  formatBytes,
  outputSummary,
  startLabApp,
  type LabApp,
  type OrchestrationStatus,
  type PayloadReport,
} from '@workshop/testkit';
import { PHOTOS_CONTAINER, posterImage, sampleImages, seedPhotos, type SampleImage } from '@workshop/samples';

const GUIDE = 'labs/07-the-64kb-message/README.md';
const THUMBNAILS = 'thumbnails';
/** What an orchestration should carry at most: names and numbers, a few KB. */
const MAX_PAYLOAD_BYTES = 4 * 1024;
const WIDTH = 200;
const STRICT_SETTING = 'WORKSHOP_DURABLE_STRICT_64KB';

interface Manifest {
  thumbnails: Array<{ source: string; blob: string; width: number; height: number; bytes: number }>;
  failed: Array<{ source: string; reason: string }>;
}

/** Lab 06's thumbnail of a sample: its blob name and size at width 200 (never wider than the original). */
function expectedThumbnail(
  container: string,
  image: SampleImage,
): { source: string; blob: string; width: number; height: number } {
  const width = Math.min(WIDTH, image.width ?? 0);
  const height = Math.round(((image.height ?? 0) * width) / (image.width ?? 1));
  return { source: image.name, blob: `${container}/${image.name}-w${WIDTH}.webp`, width, height };
}

/** Starts a job through the app's POST /api/thumbnail-jobs and waits until it has ended, however it ended. */
async function runJob(app: LabApp, container: string): Promise<{ id: string; status: OrchestrationStatus }> {
  const what = `POST /api/thumbnail-jobs?container=${container}&width=${WIDTH}`;
  const res = await app.fetch(`/api/thumbnail-jobs?container=${container}&width=${WIDTH}`, { method: 'POST' });
  expect(res.status, `${what} should answer 202`).toBe(202);
  const body = (await res.json()) as { id?: unknown };
  expect(body.id, `${what}: the 202 body should carry the instance ID in "id"`).toBeTypeOf('string');
  const id = body.id as string;
  return { id, status: await app.waitForCompletion(id, { timeoutMs: 30_000 }) };
}

function expectCompleted(status: OrchestrationStatus, what: string): void {
  if (status.runtimeStatus === 'Completed') return;
  expect.fail(
    `The job on ${what} should complete, but its runtimeStatus is ${status.runtimeStatus}: ${outputSummary(status)}`,
  );
}

async function readManifest(app: LabApp, status: OrchestrationStatus): Promise<Manifest> {
  const where = (status.output as { manifest?: { container?: unknown; blob?: unknown } } | null)?.manifest;
  if (typeof where?.container !== 'string' || typeof where.blob !== 'string') {
    return expect.fail(
      `the output should say where the manifest is ({ manifest: { container, blob } }), but it is ` +
        `${JSON.stringify(status.output)}`,
    );
  }
  const blob = app.blobs.getContainerClient(where.container).getBlobClient(where.blob);
  expect(await blob.exists(), `the manifest ${where.container}/${where.blob} should exist in storage`).toBe(true);
  return JSON.parse((await blob.downloadToBuffer()).toString('utf8')) as Manifest;
}

/** The learner's message when a payload is too big: its size, where it is, and the cure. */
function tooBig(report: PayloadReport): string {
  const largest = report.largest!;
  const over = largest.bytes > 64 * 1024 ? ', more than a 64 KB queue message holds' : '';
  const blob = largest.blob ? ` (moved to the blob ${largest.blob.name}, read back on every replay)` : '';
  return (
    `history holds a ${formatBytes(largest.bytes)} payload${over}: ${describePayload(largest)}${blob}. ` +
    `Image bytes travel through the orchestration (base64 makes them 4/3 bigger): pass blob names ` +
    `instead (claim check). ` +
    `No payload should be over ${formatBytes(MAX_PAYLOAD_BYTES)}`
  );
}

describe('with Azurite, the sample images and photos/poster.jpg', { concurrent: true }, () => {
  let app: LabApp;

  beforeAll(async () => {
    app = await startLabApp({ seed: true });
    await seedPhotos(app.blobs.getContainerClient(PHOTOS_CONTAINER));
  });

  afterAll(async () => {
    await app?.stop();
  });

  let photosJob: ReturnType<typeof runJob> | undefined;
  const runPhotosJob = () => (photosJob ??= runJob(app, PHOTOS_CONTAINER));
  let samplesJob: ReturnType<typeof runJob> | undefined;
  const runSamplesJob = () => (samplesJob ??= runJob(app, 'samples'));

  check(
    'a job on photos (poster.jpg, 127 KB) completes, and no payload in its history is over 4 KB: ' +
      'blob names, not image bytes',
    {
      hint:
        'Run npm run payloads -- <id> --lab 07 on a job: readImage returns the whole image as ' +
        'base64, and makeThumbnail and writeThumbnail pass it on. Make makeThumbnail take { ' +
        'container, blob, width }, read and write the blobs itself, and return names and numbers (the claim check).',
      guide: `${GUIDE}#step-3-the-claim-check`,
    },
    async ({ narrow }) => {
      const { id, status } = await runPhotosJob();
      expectCompleted(status, PHOTOS_CONTAINER);
      const report = await app.payloads(id);
      expect(
        report.payloads.length,
        'the payloads in the History table of the job (none found: is the instance there?)',
      ).toBeGreaterThan(0);
      const largest = report.largest!;
      // The starter's readImage is gone, and bytes still travel: name what carries them (the
      // walkthrough's hint still spoke of readImage).
      if (largest.bytes > MAX_PAYLOAD_BYTES && largest.name !== 'readImage') {
        narrow({
          hint:
            `${describePayload(largest)} still carries image bytes. Whatever makes or reads an image ` +
            'writes it to a blob and returns its name and numbers; the next activity reads the blob by that name.',
        });
      }
      expect(largest.bytes <= MAX_PAYLOAD_BYTES, tooBig(report)).toBe(true);
    },
  );

  check(
    'nothing of a job lands in the large-message container (lab07-largemessages), on samples or on photos',
    {
      hint:
        'The engine gzips every message over 45 KB and every History value over 60 KB into ' +
        '{hub}-largemessages, silently, and reads them back on every replay. Keep the bytes in ' +
        'storage and pass their names.',
      guide: `${GUIDE}#step-2-today-the-bytes-go-to-blobs`,
    },
    async () => {
      for (const run of [runSamplesJob, runPhotosJob]) {
        const { id, status } = await run();
        expectCompleted(status, id);
        const report = await app.payloads(id);
        const blobs = report.largeMessages.map((b) => `${b.name} (${formatBytes(b.bytes)})`);
        expect(
          blobs,
          `the blobs of instance ${id} in ${report.hub.toLowerCase()}-largemessages: payloads too ` +
            `big for a queue message or a table column`,
        ).toEqual([]);
        if (report.largest) expect(report.largest.bytes <= MAX_PAYLOAD_BYTES, tooBig(report)).toBe(true);
      }
    },
  );

  check(
    "the thumbnails are lab 06's: samples at width 200 gives the same 4 thumbnails (names and " +
      'sizes) and 3 failures; photos gives poster.jpg-w200.webp',
    {
      hint:
        "Keep lab 06's names and results: thumbnailName(container, blob, width) for the blob, { " +
        'ok: true, source, blob, width, height, bytes } from makeThumbnail, and { ok: false, ' +
        'source, reason } for a bad image.',
      guide: `${GUIDE}#step-3-the-claim-check`,
    },
    async () => {
      const samples = await sampleImages();
      const good = samples.filter((s) => s.kind === 'image').sort((a, b) => a.name.localeCompare(b.name));
      const bad = samples
        .filter((s) => s.kind !== 'image')
        .map((s) => s.name)
        .sort();
      const { status } = await runSamplesJob();
      expectCompleted(status, 'samples');
      expect(status.output, "the orchestration's output").toMatchObject({
        images: samples.length,
        thumbnails: good.length,
        failed: bad.length,
      });
      const manifest = await readManifest(app, status);
      expect(
        manifest.thumbnails.map(({ source, blob, width, height }) => ({ source, blob, width, height })),
        "the manifest's thumbnails (as lab 06 made them)",
      ).toEqual(good.map((image) => expectedThumbnail('samples', image)));
      expect(manifest.failed.map((f) => f.source).sort(), "the manifest's failed images").toEqual(bad);

      const photos = await runPhotosJob();
      expectCompleted(photos.status, PHOTOS_CONTAINER);
      const photosManifest = await readManifest(app, photos.status);
      expect(
        photosManifest.thumbnails.map(({ source, blob, width, height }) => ({ source, blob, width, height })),
        'the thumbnails of photos',
      ).toEqual([expectedThumbnail(PHOTOS_CONTAINER, await posterImage())]);

      for (const thumbnail of [...manifest.thumbnails, ...photosManifest.thumbnails]) {
        const blob = app.blobs.getContainerClient(THUMBNAILS).getBlobClient(thumbnail.blob);
        expect(await blob.exists(), `the thumbnail ${THUMBNAILS}/${thumbnail.blob} should exist`).toBe(true);
        const properties = await blob.getProperties();
        expect(properties.contentType, `the content type of ${THUMBNAILS}/${thumbnail.blob}`).toBe('image/webp');
        expect(properties.contentLength, `the size of ${THUMBNAILS}/${thumbnail.blob}, as the manifest says`).toBe(
          thumbnail.bytes,
        );
      }
    },
  );
});

describe(
  `in strict mode (${STRICT_SETTING}=true: a queue message over 64 KB is rejected, as in 2017)`,
  { concurrent: true },
  () => {
    let app: LabApp;

    beforeAll(async () => {
      app = await startLabApp({ env: { [STRICT_SETTING]: 'true' } });
      await seedPhotos(app.blobs.getContainerClient(PHOTOS_CONTAINER));
    });

    afterAll(async () => {
      await app?.stop();
    });

    check(
      'in strict mode, the job on photos still completes: no message of the orchestration comes near 64 KB',
      {
        hint:
          'In strict mode the queue rejects a message over 64 KB, as Azure Storage did before ' +
          '2018: the activity or orchestration fails with "RequestBodyTooLarge". Pass blob names, not ' +
          'bytes, and no message comes near the limit.',
        guide: `${GUIDE}#step-1-the-64-kb-wall`,
      },
      async () => {
        const { status } = await runJob(app, PHOTOS_CONTAINER);
        if (status.runtimeStatus !== 'Completed') {
          expect.fail(
            `In strict mode the job on photos should complete, but its runtimeStatus is ` +
              `${status.runtimeStatus}: ${outputSummary(status)}. ` +
              'A payload over 64 KB is what failed in 2017: pass blob names instead (claim check).',
          );
        }
        expect(status.output, "the orchestration's output").toMatchObject({ images: 1, thumbnails: 1, failed: 0 });
      },
    );
  },
);
