import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { activityInputOf, check, startLabApp, type LabApp, type OrchestrationStatus } from '@workshop/testkit';
import { sampleImages } from '@workshop/samples';

const GUIDE = 'labs/05-first-orchestration/README.md';
const THUMBNAILS = 'thumbnails';
const WIDTH = 200;
/** The management URLs createCheckStatusResponse puts in its 202 body. */
const MANAGEMENT_URLS = ['statusQueryGetUri', 'sendEventPostUri', 'terminatePostUri', 'purgeHistoryDeleteUri'] as const;
/** An activity input or result bigger than this carries more than names and numbers. */
const MAX_PAYLOAD_CHARS = 8 * 1024;

interface Summary {
  container: string;
  width: number;
  images: number;
  thumbnails: number;
  failed: number;
  manifest: { container: string; blob: string };
}

interface Manifest {
  instanceId: string;
  container: string;
  width: number;
  createdAt: string;
  thumbnailContainer: string;
  thumbnails: Array<{ source: string; blob: string; width: number; height: number; bytes: number }>;
  failed: Array<{ source: string; reason: string }>;
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

/** DTFx's EventType numbers, for a History table that stores them as numbers. */
const EVENT_TYPES = [
  'ExecutionStarted',
  'ExecutionCompleted',
  'ExecutionFailed',
  'ExecutionTerminated',
  'TaskScheduled',
  'TaskCompleted',
  'TaskFailed',
  'SubOrchestrationInstanceCreated',
  'SubOrchestrationInstanceCompleted',
  'SubOrchestrationInstanceFailed',
  'TimerCreated',
  'TimerFired',
  'OrchestratorStarted',
  'OrchestratorCompleted',
  'EventSent',
  'EventRaised',
  'ContinueAsNew',
  'GenericEvent',
  'HistoryState',
  'ExecutionSuspended',
  'ExecutionResumed',
];

interface HistoryEvent {
  type: string;
  name?: string;
  eventId?: number;
  taskScheduledId?: number;
  input?: string;
  result?: string;
}

/** The History table's rows as events, in order; rows without an EventType (bookkeeping) are left out. */
function eventsOf(rows: Array<Record<string, unknown>>): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  for (const row of rows) {
    const raw = row.EventType;
    if (raw === undefined || raw === null) continue;
    const event: HistoryEvent = { type: typeof raw === 'number' ? (EVENT_TYPES[raw] ?? String(raw)) : String(raw) };
    if (typeof row.Name === 'string' && row.Name !== '') event.name = row.Name;
    if (typeof row.EventId === 'number') event.eventId = row.EventId;
    if (typeof row.TaskScheduledId === 'number') event.taskScheduledId = row.TaskScheduledId;
    if (typeof row.Input === 'string') event.input = row.Input;
    if (typeof row.Result === 'string') event.result = row.Result;
    events.push(event);
  }
  return events;
}

describe('with Azurite and the sample images', () => {
  let app: LabApp;

  beforeAll(async () => {
    app = await startLabApp({ seed: true });
  });

  afterAll(async () => {
    await app?.stop();
  });

  const post = (params: Record<string, string>) =>
    app.fetch(`/api/thumbnail-jobs?${new URLSearchParams(params)}`, { method: 'POST' });

  /** Starts a job through the app's own client function; fails the check unless it answers 202 with an id. */
  async function startJob(
    params: Record<string, string>,
  ): Promise<{ id: string; body: Record<string, unknown>; res: Response }> {
    const what = `POST /api/thumbnail-jobs?${new URLSearchParams(params)}`;
    const res = await post(params);
    await expectStatus(res, 202, what);
    const body = await jsonOf(res, what);
    expect(body.id, `${what}: the 202 body should carry the instance ID in "id"`).toBeTypeOf('string');
    return { id: body.id as string, body, res };
  }

  /** Waits for the instance; fails the check, with the instance's own error, unless it completed. */
  async function completed(id: string, what: string): Promise<OrchestrationStatus> {
    const status = await app.waitForCompletion(id, { timeoutMs: 20_000 });
    if (status.runtimeStatus !== 'Completed') {
      const output = typeof status.output === 'string' ? status.output : JSON.stringify(status.output);
      expect.fail(
        `${what} should complete, but its runtimeStatus is ${status.runtimeStatus}: ${String(output).slice(0, 400)}`,
      );
    }
    return status;
  }

  async function readManifest(summary: Summary): Promise<Manifest> {
    const blob = app.blobs.getContainerClient(summary.manifest.container).getBlobClient(summary.manifest.blob);
    expect(
      await blob.exists(),
      `the manifest ${summary.manifest.container}/${summary.manifest.blob} should exist in storage`,
    ).toBe(true);
    const text = (await blob.downloadToBuffer()).toString('utf8');
    try {
      return JSON.parse(text) as Manifest;
    } catch {
      return expect.fail(`the manifest should be JSON, but it starts with: ${text.slice(0, 200)}`);
    }
  }

  /** The manifest's failures in a few words, to explain wrong counts; empty when there is no manifest to read. */
  async function failuresOf(output: Partial<Summary> | null): Promise<string> {
    const where = output?.manifest;
    if (typeof where?.container !== 'string' || typeof where.blob !== 'string') return '';
    try {
      const text = (
        await app.blobs.getContainerClient(where.container).getBlobClient(where.blob).downloadToBuffer()
      ).toString('utf8');
      const failed = (JSON.parse(text) as Partial<Manifest>).failed ?? [];
      if (failed.length === 0) return '';
      const says = failed.map((f) => `${f.source}: ${f.reason}`).join('; ');
      // Cut where it is long, and said to be cut.
      return `. The manifest says: ${says.length > 300 ? `${says.slice(0, 300)}…` : says}`;
    } catch {
      return '';
    }
  }

  async function thumbnailNames(): Promise<string[]> {
    const container = app.blobs.getContainerClient(THUMBNAILS);
    if (!(await container.exists())) return [];
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat()) names.push(blob.name);
    return names.sort();
  }

  /**
   * One job on `samples`, shared by the checks that only read what it did: the first check looks
   * at how it started, the next ones at how it ended.
   */
  let samplesStart: ReturnType<typeof startJob> | undefined;
  const startSamplesJob = () => (samplesStart ??= startJob({ container: 'samples', width: String(WIDTH) }));
  let samplesJob: Promise<{ id: string; status: OrchestrationStatus }> | undefined;
  const runSamplesJob = () =>
    (samplesJob ??= (async () => {
      const { id } = await startSamplesJob();
      return { id, status: await completed(id, `The job on samples (instance ${id})`) };
    })());

  check(
    "POST /api/thumbnail-jobs?container=samples&width=200 answers 202 with the instance's status URLs",
    {
      hint:
        'In thumbnail-jobs.ts: const client = df.getClient(context); const instanceId = await ' +
        'client.startNew(ORCHESTRATOR, { input: job }); return client.createCheckStatusResponse(request, instanceId);',
      guide: `${GUIDE}#step-4-start-it-from-http`,
    },
    async () => {
      const what = 'POST /api/thumbnail-jobs?container=samples&width=200';
      const { id, body, res } = await startSamplesJob();
      for (const key of MANAGEMENT_URLS) {
        expect(
          body[key],
          `${what}: the 202 body should have "${key}" (createCheckStatusResponse puts it there)`,
        ).toBeTypeOf('string');
        expect(String(body[key]), `${what}: "${key}" should be about this instance`).toContain(id);
      }
      expect(res.headers.get('location'), `${what}: the Location header should be the statusQueryGetUri`).toBe(
        body.statusQueryGetUri,
      );

      const statusUrl = new URL(String(body.statusQueryGetUri));
      expect(
        statusUrl.origin,
        'the statusQueryGetUri should point at this host: pass the request to createCheckStatusResponse',
      ).toBe(new URL(app.url).origin);
      const status = await app.fetch(`${statusUrl.pathname}${statusUrl.search}`);
      await expectStatus(status, [200, 202], `GET the statusQueryGetUri (${statusUrl.pathname})`);
      const answer = await jsonOf(status, 'GET the statusQueryGetUri');
      expect(answer.instanceId, 'the status should be about the instance that was started').toBe(id);
      expect(answer.name, 'the status should name the orchestrator').toBe('thumbnailOrchestrator');
      await app.waitForCompletion(id, { timeoutMs: 20_000 }).catch(() => undefined);
    },
  );

  check(
    'POST /api/thumbnail-jobs?container=samples&width=200 completes with a manifest of 4 thumbnails and 3 failures',
    {
      hint:
        'In the orchestrator: yield callActivity(LIST_IMAGES), then yield ' +
        'callActivity(MAKE_THUMBNAIL) for each blob inside try/catch, then yield ' +
        'callActivity(WRITE_MANIFEST), and return the JobSummary.',
      guide: `${GUIDE}#step-3-the-orchestrator-chains-the-activities`,
    },
    async ({ narrow }) => {
      const samples = await sampleImages();
      const good = samples
        .filter((s) => s.kind === 'image')
        .map((s) => s.name)
        .sort();
      const bad = samples
        .filter((s) => s.kind !== 'image')
        .map((s) => s.name)
        .sort();
      const { id, status } = await runSamplesJob();

      const output = status.output as Partial<Summary> | null;
      const why = await failuresOf(output);
      // The orchestrator works and the activity is still the placeholder: Step 2's, not Step 3's.
      if (why.includes('Not implemented yet: the activity makeThumbnail')) {
        narrow({
          hint:
            'The orchestrator runs: every image reached makeThumbnail, which is still the placeholder. ' +
            "Write the activity as lab 04's /api/thumbnails does for one image: readBlob, makeThumbnail, " +
            'writeBlob, and return the ThumbnailResult (names and numbers, never the bytes).',
          guide: `${GUIDE}#step-2-an-activity-makes-one-thumbnail`,
        });
      }
      expect(output, `the orchestration's output (what the orchestrator returns)${why}`).toMatchObject({
        container: 'samples',
        width: WIDTH,
        images: samples.length,
        thumbnails: good.length,
        failed: bad.length,
        manifest: { container: THUMBNAILS },
      });
      const summary = output as Summary;
      expect(summary.manifest.blob, 'the manifest blob should be named after the instance').toContain(id);

      const manifest = await readManifest(summary);
      expect(manifest.instanceId, 'the manifest\'s "instanceId"').toBe(id);
      expect([manifest.container, manifest.width], "the manifest's [container, width]").toEqual(['samples', WIDTH]);
      const failures = (manifest.failed ?? []).map((f) => `${f.source}: ${f.reason}`).join('; ');
      expect(
        (manifest.thumbnails ?? []).map((t) => t.source).sort(),
        `the manifest's thumbnails should be the good ` +
          `images${failures ? ` (the failed ones: ${failures.slice(0, 400)})` : ''}`,
      ).toEqual(good);
      expect((manifest.failed ?? []).map((f) => f.source).sort(), "the manifest's failed images").toEqual(bad);
      for (const failure of manifest.failed) {
        expect(String(failure.reason ?? '').trim(), `the reason ${failure.source} has no thumbnail`).not.toBe('');
      }

      for (const thumbnail of manifest.thumbnails) {
        const sample = samples.find((s) => s.name === thumbnail.source)!;
        const blob = app.blobs.getContainerClient(THUMBNAILS).getBlobClient(thumbnail.blob);
        expect(
          await blob.exists(),
          `the thumbnail ${THUMBNAILS}/${thumbnail.blob} of ${thumbnail.source} should exist`,
        ).toBe(true);
        const bytes = await blob.downloadToBuffer();
        const meta = await sharp(bytes).metadata();
        const expectedWidth = Math.min(WIDTH, sample.width ?? WIDTH);
        expect([meta.format, meta.width], `${THUMBNAILS}/${thumbnail.blob}: [format, width]`).toEqual([
          'webp',
          expectedWidth,
        ]);
        expect(
          [thumbnail.width, thumbnail.height, thumbnail.bytes],
          `the manifest's [width, height, bytes] of ${thumbnail.source}`,
        ).toEqual([meta.width, meta.height, bytes.length]);
      }
    },
  );

  check(
    'the history shows the chain: listImages, makeThumbnail for each of the 7 blobs in order, then ' +
      'writeManifest — with blob names, not image bytes',
    {
      hint:
        'Each activity gets small inputs: listImages the container name, makeThumbnail { ' +
        'container, blob, width }, writeManifest the manifest. Read and write the bytes inside the activity.',
      guide: `${GUIDE}#step-7-look-inside-the-task-hub`,
    },
    async () => {
      const samples = await sampleImages();
      const { id } = await runSamplesJob();
      const events = eventsOf(await app.history(id));
      expect(events.length, `the History table should have rows for instance ${id}`).toBeGreaterThan(0);

      const scheduled = events.filter((e) => e.type === 'TaskScheduled');
      const order = scheduled.map((e) => e.name ?? '?');
      expect(order, 'the activities the orchestrator scheduled, in order').toEqual([
        'listImages',
        ...samples.map(() => 'makeThumbnail'),
        'writeManifest',
      ]);
      const blobs = scheduled
        .filter((e) => e.name === 'makeThumbnail')
        .map((e) => (activityInputOf(e.input) as { blob?: unknown } | undefined)?.blob);
      expect(blobs, 'the blobs makeThumbnail was called for, in order').toEqual(samples.map((s) => s.name).sort());

      for (const event of events) {
        for (const [field, text] of [
          ['input', event.input],
          ['result', event.result],
        ] as const) {
          if (text === undefined) continue;
          const what = `the ${field} of ${event.type}${event.name ? ` ${event.name}` : ''} in the history`;
          expect(
            text.length,
            `${what} is ${text.length} characters: pass blob names, not image bytes`,
          ).toBeLessThanOrEqual(MAX_PAYLOAD_CHARS);
        }
      }
    },
  );

  check(
    'running the job again makes no new thumbnails, only a second manifest',
    {
      hint:
        'makeThumbnail names each thumbnail after its inputs (thumbnailName, as in lab 04), and ' +
        'writeManifest names the manifest after the instance: manifestName(instanceId).',
      guide: `${GUIDE}#step-2-an-activity-makes-one-thumbnail`,
    },
    async () => {
      const first = await runSamplesJob();
      const before = await thumbnailNames();
      const second = await startJob({ container: 'samples', width: String(WIDTH) });
      await completed(second.id, `The second job on samples (instance ${second.id})`);
      const after = await thumbnailNames();

      const images = (names: string[]) => names.filter((n) => n.endsWith('.webp'));
      // With no thumbnails from the first job, "the same thumbnails" would hold of nothing.
      expect(
        images(before).length,
        `the first job on samples made no thumbnail in "${THUMBNAILS}" to compare the second one's with: ` +
          'make the first check pass first',
      ).toBeGreaterThan(0);
      expect(
        images(after),
        `the thumbnails in "${THUMBNAILS}" after the second job should be the same as after the first`,
      ).toEqual(images(before));
      const newBlobs = after.filter((n) => !before.includes(n));
      expect(newBlobs, 'the second job should add exactly one blob: its own manifest').toHaveLength(1);
      expect(newBlobs[0], "the new blob should be the second job's manifest, named after its instance").toContain(
        second.id,
      );
      expect(second.id, 'two jobs are two instances').not.toBe(first.id);
    },
  );

  check(
    'a bad container name or width answers 400, and a container that does not exist 404',
    {
      hint:
        'The checks in thumbnail-jobs.ts come before startNew: keep them, and start the ' +
        'orchestration only after them.',
      guide: `${GUIDE}#step-4-start-it-from-http`,
    },
    async () => {
      const bad: Record<string, string>[] = [
        {},
        { container: 'Samples' },
        { container: THUMBNAILS },
        { container: 'samples', width: '2000' },
        { container: 'samples', width: 'abc' },
      ];
      for (const params of bad) {
        const what = `POST /api/thumbnail-jobs?${new URLSearchParams(params)}`;
        const res = await post(params);
        await expectStatus(res, 400, what);
        await errorOf(res, what);
      }
      const missing = await post({ container: 'no-such-container' });
      await expectStatus(missing, 404, 'POST /api/thumbnail-jobs?container=no-such-container');
      expect(await errorOf(missing, 'the 404'), 'the error should name the missing container').toContain(
        'no-such-container',
      );
    },
  );
});
