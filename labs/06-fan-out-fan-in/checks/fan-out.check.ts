import { afterAll, beforeAll, describe, expect } from 'vitest';
import { activityInputOf, check, startLabApp, type LabApp, type OrchestrationStatus } from '@workshop/testkit';
import { sampleImages } from '@workshop/samples';

const GUIDE = 'labs/06-fan-out-fan-in/README.md';
const THUMBNAILS = 'thumbnails';
const EMPTY = 'empty-album';

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
  thumbnails: Array<{ source: string; blob: string; width: number; height: number; bytes: number }>;
  failed: Array<{ source: string; reason: string }>;
}

/** What a reason must mention, for each sample that gets no thumbnail. */
const REASONS: Record<string, RegExp> = {
  'huge.png': /megapixels|too large|too many pixels/i,
  'notes.jpg': /not an image/i,
  'truncated.jpg': /damaged|incomplete|decode/i,
};

/**
 * Expects `res.status` to be one of `statuses`. When it is not, the message also quotes the
 * app's own JSON error, if any.
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

/** One makeThumbnail call as the history tells it. */
interface Call {
  blob: string;
  eventId: number;
  /** Position of its TaskScheduled row, and of its TaskCompleted/TaskFailed row (-1 if none). */
  scheduledAt: number;
  answeredAt: number;
  /** How many OrchestratorStarted rows come before its TaskScheduled row: its episode. */
  episode: number;
}

/** The makeThumbnail calls of an instance, from its History rows, in the order they were scheduled. */
function makeThumbnailCalls(rows: Array<Record<string, unknown>>): { calls: Call[]; hasEpisodes: boolean } {
  const calls = new Map<number, Call>();
  let episode = 0;
  let hasEpisodes = false;
  rows.forEach((row, position) => {
    const raw = row.EventType;
    if (raw === undefined || raw === null) return;
    const type = typeof raw === 'number' ? (EVENT_TYPES[raw] ?? String(raw)) : String(raw);
    if (type === 'OrchestratorStarted') {
      episode++;
      hasEpisodes = true;
    } else if (type === 'TaskScheduled' && row.Name === 'makeThumbnail' && typeof row.EventId === 'number') {
      const input = activityInputOf(row.Input) as { blob?: unknown } | undefined;
      calls.set(row.EventId, {
        blob: String(input?.blob ?? '?'),
        eventId: row.EventId,
        scheduledAt: position,
        answeredAt: -1,
        episode,
      });
    } else if ((type === 'TaskCompleted' || type === 'TaskFailed') && typeof row.TaskScheduledId === 'number') {
      const call = calls.get(row.TaskScheduledId);
      if (call && call.answeredAt < 0) call.answeredAt = position;
    }
  });
  return { calls: [...calls.values()].sort((a, b) => a.scheduledAt - b.scheduledAt), hasEpisodes };
}

/** Groups calls scheduled together: a new group starts when a call is scheduled after an earlier call was answered. */
function batchesOf(calls: Call[]): Call[][] {
  const groups: Call[][] = [];
  for (const call of calls) {
    const current = groups.at(-1);
    const answeredBefore = current?.some((c) => c.answeredAt >= 0 && c.answeredAt < call.scheduledAt) ?? true;
    if (current === undefined || answeredBefore) groups.push([call]);
    else current.push(call);
  }
  return groups;
}

/** The history in a line, for a learner: "scheduled badge.png, answered badge.png, scheduled huge.png, …". */
function story(calls: Call[]): string {
  const steps = calls.flatMap((c) => [
    { at: c.scheduledAt, text: `scheduled ${c.blob}` },
    ...(c.answeredAt >= 0 ? [{ at: c.answeredAt, text: `answered ${c.blob}` }] : []),
  ]);
  const text = steps
    .sort((a, b) => a.at - b.at)
    .map((s) => s.text)
    .join(', ');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

describe('with Azurite and the sample images', () => {
  let app: LabApp;

  beforeAll(async () => {
    app = await startLabApp({ seed: true });
    await app.blobs.getContainerClient(EMPTY).createIfNotExists();
  });

  afterAll(async () => {
    await app?.stop();
  });

  const post = (params: Record<string, string>) =>
    app.fetch(`/api/thumbnail-jobs?${new URLSearchParams(params)}`, { method: 'POST' });

  /** Starts a job through the app's own client function and waits until it has ended, however it ended. */
  async function runJob(
    params: Record<string, string>,
  ): Promise<{ id: string; status: OrchestrationStatus; what: string }> {
    const what = `POST /api/thumbnail-jobs?${new URLSearchParams(params)}`;
    const res = await post(params);
    await expectStatus(res, 202, what);
    const body = await jsonOf(res, what);
    expect(body.id, `${what}: the 202 body should carry the instance ID in "id"`).toBeTypeOf('string');
    const id = body.id as string;
    return { id, status: await app.waitForCompletion(id, { timeoutMs: 20_000 }), what };
  }

  function expectCompleted(status: OrchestrationStatus, what: string): void {
    if (status.runtimeStatus === 'Completed') return;
    const output = typeof status.output === 'string' ? status.output : JSON.stringify(status.output);
    expect.fail(
      `The job on ${what} should complete, but its runtimeStatus is ${status.runtimeStatus}: ` +
        `${String(output).slice(0, 400)}`,
    );
  }

  async function readManifest(status: OrchestrationStatus): Promise<Manifest> {
    const summary = status.output as Partial<Summary> | null;
    const where = summary?.manifest;
    if (typeof where?.container !== 'string' || typeof where.blob !== 'string') {
      return expect.fail(
        `the output should say where the manifest is ({ manifest: { container, blob } }), but it is ` +
          `${JSON.stringify(summary)}`,
      );
    }
    const blob = app.blobs.getContainerClient(where.container).getBlobClient(where.blob);
    expect(await blob.exists(), `the manifest ${where.container}/${where.blob} should exist in storage`).toBe(true);
    const text = (await blob.downloadToBuffer()).toString('utf8');
    try {
      return JSON.parse(text) as Manifest;
    } catch {
      return expect.fail(`the manifest should be JSON, but it starts with: ${text.slice(0, 200)}`);
    }
  }

  /** One job on `samples` with the default batch size, shared by the checks that only read what it did. */
  let samplesJob: ReturnType<typeof runJob> | undefined;
  const runSamplesJob = () => (samplesJob ??= runJob({ container: 'samples', width: '200' }));

  check(
    'POST /api/thumbnail-jobs?container=samples&width=200 fans out: all 7 makeThumbnail calls are ' +
      'scheduled together, before any of them completes',
    {
      hint:
        'Build every task first with images.map((blob) => ' +
        'context.df.callActivity(MAKE_THUMBNAIL, …)), then yield context.df.Task.all(tasks) once: a ' +
        'yield per image waits for each image in turn.',
      guide: `${GUIDE}#step-2-fan-out-with-task-all`,
    },
    async () => {
      const samples = await sampleImages();
      const { id } = await runSamplesJob();
      const { calls, hasEpisodes } = makeThumbnailCalls(await app.history(id));
      expect(
        calls.map((c) => c.blob).sort(),
        'the blobs makeThumbnail was scheduled for, in the History table',
      ).toEqual(samples.map((s) => s.name).sort());

      const lastScheduled = Math.max(...calls.map((c) => c.scheduledAt));
      const answers = calls.filter((c) => c.answeredAt >= 0).map((c) => c.answeredAt);
      const firstAnswer = answers.length > 0 ? Math.min(...answers) : Number.POSITIVE_INFINITY;
      expect(
        lastScheduled < firstAnswer,
        `every makeThumbnail should be scheduled before the first one answers, but the history shows: ${story(calls)}`,
      ).toBe(true);
      if (hasEpisodes) {
        const episodes = [...new Set(calls.map((c) => c.episode))];
        expect(
          episodes.length,
          `all makeThumbnail calls should be scheduled in one episode (one yield), but they span ${episodes.length}`,
        ).toBe(1);
      }
    },
  );

  check(
    'a corrupt image does not fail the run: the manifest lists huge.png, notes.jpg and ' +
      'truncated.jpg with their reasons',
    {
      hint:
        'Task.all throws on the first failed task. Make makeThumbnail return { ok: false, ' +
        'source, reason } for an ImageError (or a StorageError below 500) instead of throwing, and ' +
        'sort the outcomes in the orchestrator.',
      guide: `${GUIDE}#step-3-when-one-task-fails`,
    },
    async () => {
      const samples = await sampleImages();
      const good = samples
        .filter((s) => s.kind === 'image')
        .map((s) => s.name)
        .sort();
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

      const manifest = await readManifest(status);
      expect((manifest.failed ?? []).map((f) => f.source).sort(), "the manifest's failed images").toEqual(bad);
      for (const failure of manifest.failed) {
        const pattern = REASONS[failure.source];
        if (pattern)
          expect(String(failure.reason ?? ''), `the reason ${failure.source} has no thumbnail`).toMatch(pattern);
      }
      expect(
        (manifest.thumbnails ?? []).map((t) => t.source),
        "the manifest's thumbnails, in the order of the listing",
      ).toEqual(good);
      for (const thumbnail of manifest.thumbnails) {
        const blob = app.blobs.getContainerClient(THUMBNAILS).getBlobClient(thumbnail.blob);
        expect(
          await blob.exists(),
          `the thumbnail ${THUMBNAILS}/${thumbnail.blob} of ${thumbnail.source} should exist`,
        ).toBe(true);
      }
    },
  );

  check(
    'the custom status reports progress, and ends at { phase: "done", total: 7, done: 7, failed: 3 }',
    {
      hint:
        'Call context.df.setCustomStatus({ phase, total, done, failed }) before each batch, ' +
        'before writeManifest, and with phase "done" just before the return: it is saved with the ' +
        'next yield or return.',
      guide: `${GUIDE}#step-4-report-progress`,
    },
    async () => {
      const samples = await sampleImages();
      const bad = samples.filter((s) => s.kind !== 'image').length;
      const { status } = await runSamplesJob();
      expectCompleted(status, 'samples');
      expect(status.customStatus, 'the custom status once the job is done (the status URL\'s "customStatus")').toEqual({
        phase: 'done',
        total: samples.length,
        done: samples.length,
        failed: bad,
      });
    },
  );

  check(
    'with batchSize=3 the makeThumbnail calls come in batches of 3, 3 and 1, each scheduled once ' +
      'the previous batch has answered',
    {
      hint: 'Loop over batches(images, job.batchSize), with one yield context.df.Task.all(…) per batch.',
      guide: `${GUIDE}#step-5-batches`,
    },
    async () => {
      const names = (await sampleImages()).map((s) => s.name).sort();
      const { id, status } = await runJob({ container: 'samples', width: '120', batchSize: '3' });
      expectCompleted(status, 'samples with batchSize=3');
      const { calls, hasEpisodes } = makeThumbnailCalls(await app.history(id));
      const groups = batchesOf(calls);
      expect(
        groups.map((g) => g.map((c) => c.blob)),
        `the makeThumbnail calls, grouped by what was scheduled together (the history shows: ${story(calls)})`,
      ).toEqual([names.slice(0, 3), names.slice(3, 6), names.slice(6)]);
      for (const [index, group] of groups.entries()) {
        if (hasEpisodes) {
          expect(
            new Set(group.map((c) => c.episode)).size,
            `batch ${index + 1} should be scheduled in one episode`,
          ).toBe(1);
        }
        const previous = groups[index - 1];
        if (!previous) continue;
        const start = Math.min(...group.map((c) => c.scheduledAt));
        const unanswered = previous.filter((c) => c.answeredAt < 0 || c.answeredAt > start).map((c) => c.blob);
        expect(
          unanswered,
          `batch ${index + 1} should start only after every call of batch ${index} has answered`,
        ).toEqual([]);
      }
      expect(status.customStatus, 'the custom status at the end').toMatchObject({
        phase: 'done',
        done: names.length,
        total: names.length,
      });
    },
  );

  check(
    'a container with no blobs completes with an empty manifest',
    {
      hint:
        'context.df.Task.all([]) throws "you must specify at least one Task": with no images, ' +
        'schedule no batch at all (batches([]) is []).',
      guide: `${GUIDE}#step-2-fan-out-with-task-all`,
    },
    async () => {
      const { status } = await runJob({ container: EMPTY });
      expectCompleted(status, EMPTY);
      expect(status.output, 'the output for an empty container').toMatchObject({
        container: EMPTY,
        images: 0,
        thumbnails: 0,
        failed: 0,
      });
      const manifest = await readManifest(status);
      expect([manifest.thumbnails, manifest.failed], "the manifest's [thumbnails, failed]").toEqual([[], []]);
    },
  );

  check(
    'started through the management API with batchSize 0, the orchestration fails at once with a ' +
      'message naming the batch size',
    {
      hint:
        'The management API skips thumbnail-jobs.ts: the orchestrator must check its own input. ' +
        'Keep const check = checkThumbnailJob(context.df.getInput()) and the throw at the top, and ' +
        'never call batches() with a size below 1.',
      guide: `${GUIDE}#dont-trust-your-own-input`,
    },
    async () => {
      const id = 'batch-size-0';
      const what =
        `POST /runtime/webhooks/durabletask/orchestrators/thumbnailOrchestrator/${id} ` +
        `with {"container":"samples","width":200,"batchSize":0}`;
      const res = await app.fetch(`/runtime/webhooks/durabletask/orchestrators/thumbnailOrchestrator/${id}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ container: 'samples', width: 200, batchSize: 0 }),
      });
      await expectStatus(res, 202, what);
      // A few seconds: checked at the top, the instance fails in its first episode. Unchecked,
      // batches(images, 0) never ends, and the worker runs out of memory.
      const status = await app.waitForCompletion(id, { timeoutMs: 8_000 });
      const output = typeof status.output === 'string' ? status.output : JSON.stringify(status.output);
      expect(
        status.runtimeStatus,
        `the instance started by ${what} should fail (its output: ${String(output).slice(0, 300)})`,
      ).toBe('Failed');
      expect(String(output), 'the failure\'s message (the status URL\'s "output") should name the batch size').toMatch(
        /batch ?size/i,
      );
    },
  );

  check(
    'a batchSize that is not a whole number from 1 to 100 answers 400',
    {
      hint:
        'thumbnail-jobs.ts checks ?batchSize= with parseBatchSize() and passes batchSize in the ' +
        "orchestration's input: keep both.",
      guide: `${GUIDE}#step-5-batches`,
    },
    async () => {
      for (const batchSize of ['0', '101', '-1', '2.5', 'abc']) {
        const what = `POST /api/thumbnail-jobs?container=${EMPTY}&batchSize=${batchSize}`;
        const res = await post({ container: EMPTY, batchSize });
        await expectStatus(res, 400, what);
        await errorOf(res, what);
      }
      for (const batchSize of ['1', '100']) {
        const { status } = await runJob({ container: EMPTY, batchSize });
        expect(status.input, `the orchestration's input for batchSize=${batchSize}`).toMatchObject({
          batchSize: Number(batchSize),
        });
      }
    },
  );
});
