import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { check, labAppDir, outputSummary, startLabApp, type LabApp, type OrchestrationStatus } from '@workshop/testkit';
import { seedSamples } from '@workshop/samples';

const GUIDE = 'labs/13-durable-entities/README.md';
const WIDTH = 64;
/** The quota of the second app: room for one job on samples (7 or 8 images), not for three. */
const QUOTA = 10;
/** How long a check waits for the entity to process what it was sent. */
const ENTITY_WAIT_MS = 20_000;
/** The operation by which a job reports its usage (RECORD in src/lib/usage.ts). */
const RECORD = 'record';
/** The entity's state is a handful of counts: about 100 bytes of JSON. */
const SMALL_STATE_BYTES = 300;

interface Usage {
  jobs?: number;
  thumbnails?: number;
  failed?: number;
  bytes?: number;
  reserved?: number;
  lastJobAt?: string | null;
  quota?: number;
  remaining?: number;
}

interface UsageAnswer {
  container?: string;
  entityExists?: boolean;
  usage?: Usage;
  note?: string;
}

interface JobSummary {
  images?: number;
  thumbnails?: number;
  failed?: number;
  overQuota?: number;
}

/**
 * A second container, with two of the sample images. Its entity (containerUsage@uploads) counts
 * apart, so the checks on it and those on samples can share an app without seeing each other's
 * jobs. Its checks look at what a job sends its entity, not at the images: two make their jobs
 * quick (a fifth of a second off the verdict after a save, issue #14).
 */
const UPLOADS = 'uploads';
const UPLOADS_IMAGES = ['badge.png', 'small.webp'];
/** The images on samples for the first check's job: one thumbnail and one failure to count. */
const SAMPLES_IMAGES = ['badge.png', 'truncated.jpg'];

/** POST /api/thumbnail-jobs on a container (samples unless named); the instance id. */
async function startJob(app: LabApp, container = 'samples'): Promise<string> {
  const path = `/api/thumbnail-jobs?container=${container}&width=${WIDTH}`;
  const res = await app.fetch(path, { method: 'POST' });
  expect(res.status, `POST ${path} should answer 202`).toBe(202);
  const body = (await res.json()) as { id?: unknown };
  expect(body.id, `POST ${path}: the 202 body should carry the instance ID in "id"`).toBeTypeOf('string');
  return body.id as string;
}

/** Waits for the job to end, and expects it Completed: its summary. */
async function finished(app: LabApp, id: string): Promise<JobSummary> {
  const status = await app.waitForCompletion(id);
  expect(status.runtimeStatus, `the job ${id} (${outputSummary(status)})`).toBe('Completed');
  return summaryOf(status);
}

function summaryOf(status: OrchestrationStatus): JobSummary {
  return (typeof status.output === 'object' && status.output !== null ? status.output : {}) as JobSummary;
}

async function getUsage(app: LabApp, container = 'samples'): Promise<UsageAnswer> {
  const res = await app.fetch(`/api/usage?container=${container}`);
  expect(res.status, `GET /api/usage?container=${container}`).toBe(200);
  return (await res.json()) as UsageAnswer;
}

/**
 * Polls GET /api/usage until `until` holds. A client reads the entity's saved state, which may
 * not include an operation signalled a moment ago: the check waits for the entity to process
 * it, as anyone reading an entity must. Once the app has nothing left to do, one more read is
 * the last word (a forgotten signal fails at once, not after ENTITY_WAIT_MS).
 */
async function usageOnce(
  app: LabApp,
  until: (usage: Usage) => boolean,
  what: string,
  container = 'samples',
  jobs: readonly string[] = [],
): Promise<UsageAnswer> {
  const deadline = Date.now() + ENTITY_WAIT_MS;
  const idle = app.whenIdle().then(
    () => true,
    () => false,
  );
  let readWhenIdle = false;
  let last = await getUsage(app, container);
  while (!until(last.usage ?? {})) {
    if (readWhenIdle) await expectEveryJobRecorded(app, jobs);
    if (readWhenIdle || Date.now() > deadline) {
      const why: string = readWhenIdle ? 'once the app had nothing left to do' : `within ${ENTITY_WAIT_MS / 1000} s`;
      expect.fail(
        `GET /api/usage?container=${container} did not ${what} ${why}: it says ${JSON.stringify(last.usage)}.`,
      );
    }
    readWhenIdle = await Promise.race([idle, new Promise<boolean>((resolve) => setTimeout(resolve, 100, false))]);
    last = await getUsage(app, container);
  }
  return last;
}

/** A report that was never sent is never counted: said so, rather than that the count is behind. */
async function expectEveryJobRecorded(app: LabApp, jobs: readonly string[]): Promise<void> {
  for (const id of jobs) {
    const requests = await entityRequests(app, id);
    if (!requests.some((r) => r.op === RECORD)) {
      expect.fail(
        `the job ${id} sent no "${RECORD}" to its container's entity (its history has no EventSent for it; ` +
          `it sent ${JSON.stringify(requests.map((r) => r.op))}): nothing will ever count it. Report the job's usage at ` +
          `the end of the orchestrator with context.df.signalEntity(usage, RECORD, record) (${whereTheRecordIsBuilt()}).`,
      );
    }
  }
}

/** The orchestrator's file, and the line where its record is built if it still is: where the report goes. */
function whereTheRecordIsBuilt(): string {
  const file = 'src/functions/thumbnail-orchestrator.ts';
  try {
    const line = readFileSync(join(labAppDir(), file), 'utf8')
      .split('\n')
      .findIndex((text) => /:\s*UsageRecord\s*=/.test(text));
    return line < 0 ? file : `${file}, below the record built at line ${line + 1}`;
  } catch {
    return file;
  }
}

/** The requests the job sent to entities (its EventSent rows): operation, and call or signal. */
async function entityRequests(app: LabApp, id: string): Promise<Array<{ op: string; signal: boolean }>> {
  return (await app.history(id))
    .filter((row) => row['EventType'] === 'EventSent')
    .map((row) => {
      const request = JSON.parse(String(row['Input'])) as { op?: unknown; signal?: unknown };
      return { op: String(request.op), signal: request.signal === true };
    });
}

/**
 * One app for the checks that need no quota (a host less to start): the first describe block
 * that asks starts it, with two sample images in samples and two in uploads. The quota's app
 * has all of them: its three jobs must not fit in it.
 */
let noQuota: Promise<LabApp> | undefined;
function appWithoutQuota(): Promise<LabApp> {
  noQuota ??= startLabApp({ clock: 'virtual' }).then(async (app) => {
    await seedSamples(app.blobs.getContainerClient('samples'), SAMPLES_IMAGES);
    await seedSamples(app.blobs.getContainerClient(UPLOADS), UPLOADS_IMAGES);
    return app;
  });
  return noQuota;
}
afterAll(async () => {
  await (await noQuota?.catch(() => undefined))?.stop();
});

describe("a container's usage, kept by the entity containerUsage", { concurrent: true }, () => {
  let app: LabApp;

  beforeAll(async () => {
    app = await appWithoutQuota();
  });

  check(
    'a thumbnail job reports its usage to the entity of its container, and GET /api/usage shows it ' +
      'once the entity has processed it',
    {
      hint:
        'The job reports its usage at its end with context.df.signalEntity(usage, RECORD, record). ' +
        "GET /api/usage reads the entity's saved state with client.readEntityState: an " +
        "operation still in the entity's queue is not in it yet. Poll until it is, and say so in the answer's note.",
      guide: `${GUIDE}#step-1-watch-it-happen`,
    },
    async () => {
      const before = await getUsage(app);
      expect(before, 'GET /api/usage before any job').toMatchObject({ container: 'samples', entityExists: false });
      expect(before.usage, 'the usage before any job').toMatchObject({ jobs: 0, thumbnails: 0, failed: 0 });
      expect(before.note, 'GET /api/usage: a note that says the numbers can be behind').toBeTypeOf('string');
      const id = await startJob(app);
      const job = await finished(app, id);
      const after = await usageOnce(app, (usage) => (usage.jobs ?? 0) >= 1, 'count the job', 'samples', [id]);
      expect(after.usage, "the usage once the entity has processed the job's report").toMatchObject({
        jobs: 1,
        thumbnails: job.thumbnails,
        failed: job.failed,
        reserved: 0,
      });
      expect(after.usage?.bytes, 'the bytes of thumbnails written').toBeGreaterThan(0);
    },
  );

  check(
    'GET /api/usage answers 400 with a JSON message for a missing, invalid or thumbnails container',
    {
      hint:
        'Validate like thumbnail-jobs: nonBlank(queryParam(…)), checkContainerName, and not ' +
        '"thumbnails"; 400 { error } for each.',
      guide: `${GUIDE}#step-1-watch-it-happen`,
    },
    async () => {
      for (const query of ['', 'container=', 'container=Not_Valid', 'container=thumbnails']) {
        const res = await app.fetch(`/api/usage?${query}`);
        expect(res.status, `GET /api/usage?${query}`).toBe(400);
        const body = (await res.json()) as { error?: unknown };
        expect(body.error, `GET /api/usage?${query}: the JSON body's "error"`).toBeTypeOf('string');
      }
    },
  );
});

describe(`a container with a quota of ${QUOTA} images`, { concurrent: true }, () => {
  let app: LabApp;

  beforeAll(async () => {
    app = await startLabApp({ clock: 'virtual', seed: true, env: { THUMBNAIL_QUOTA: String(QUOTA) } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  check(
    `three jobs started at once on a container with a quota of ${QUOTA} images process ${QUOTA} ` +
      `images between them, no more, and none of their counts is lost`,
    {
      hint:
        'Reading the usage (get) and counting it later (record) are two operations, and the ' +
        "other jobs' operations run in between. Ask with one call that decides and counts at once: " +
        'yield context.df.callEntity(usage, RESERVE, listed.length).',
      guide: `${GUIDE}#step-2-one-operation-decides`,
    },
    async () => {
      const ids = await Promise.all([startJob(app), startJob(app), startJob(app)]);
      const jobs = await Promise.all(ids.map((id) => finished(app, id)));
      const processed = jobs.map((job) => (job.thumbnails ?? 0) + (job.failed ?? 0));
      const total = processed.reduce((sum, n) => sum + n, 0);
      if (total > QUOTA) {
        expect.fail(
          `three jobs started at once processed ${processed.join(' + ')} = ${total} images, with a ` +
            `quota of ${QUOTA}: ` +
            'each read the usage, saw room, and went ahead, before any of them had counted what it did. ' +
            'The entity runs one operation at a time, but "get" then "record" are two. Reserve with ' +
            'one call: context.df.callEntity(usage, RESERVE, listed.length).',
        );
      }
      expect(total, `the images processed by the three jobs (${processed.join(' + ')})`).toBe(QUOTA);
      const overQuota = jobs.reduce((sum, job) => sum + (job.overQuota ?? 0), 0);
      const listed = jobs.reduce((sum, job) => sum + (job.images ?? 0), 0);
      expect(overQuota, 'the images the jobs left alone (overQuota)').toBe(listed - QUOTA);
      // Three reports, one at a time: none is lost, as it could be with a read-modify-write of a blob.
      const usage = await usageOnce(app, (u) => (u.jobs ?? 0) >= 3, 'count the three jobs', 'samples', ids);
      expect(usage.usage, 'the usage after the three reports').toMatchObject({
        jobs: 3,
        thumbnails: jobs.reduce((sum, job) => sum + (job.thumbnails ?? 0), 0),
        failed: jobs.reduce((sum, job) => sum + (job.failed ?? 0), 0),
        reserved: 0,
        quota: QUOTA,
        remaining: 0,
      });
    },
  );
});

// The virtual clock stands still: a job's time (context.df.currentUtcDateTime) is exactly the
// clock's, however long the check takes.
describe('a job and its entity', { concurrent: true }, () => {
  let app: LabApp;

  beforeAll(async () => {
    app = await appWithoutQuota();
  });

  check(
    'a job reports its usage with signalEntity: it never waits for an answer it does not use',
    {
      hint:
        'Only the quota needs an answer. Report with context.df.signalEntity(usage, RECORD, ' +
        'record): fire and forget, nothing to yield.',
      guide: `${GUIDE}#step-3-call-or-signal`,
    },
    async () => {
      const id = await startJob(app, UPLOADS);
      await finished(app, id);
      const requests = await entityRequests(app, id);
      const calls = requests.filter((request) => !request.signal).map((request) => request.op);
      const record = requests.find((request) => request.op === RECORD);
      expect(record, `the job's requests to its entity (${JSON.stringify(requests)}) include a "record"`).toBeDefined();
      if (record && !record.signal) {
        expect.fail(
          `the job sent "record" as a call (yield context.df.callEntity): it waited for the ` +
            `entity's answer, and an answer to "record" carries nothing. ` +
            "With other jobs' operations queued before it, that wait is theirs too. Send it with " +
            'context.df.signalEntity: the job goes on at once.',
        );
      }
      expect(calls, 'the operations the job called (and waited for)').toEqual(['reserve']);
    },
  );

  check(
    "the usage's lastJobAt is the job's own time, context.df.currentUtcDateTime, never the machine's clock",
    {
      hint:
        'new Date() and Date.now() in an orchestrator give another time on every replay. Take ' +
        'the time of the report from context.df.currentUtcDateTime.',
      guide: `${GUIDE}#step-4-the-jobs-time-not-the-machines`,
    },
    async () => {
      const jobTime = (await app.clock.now()).toISOString();
      const id = await startJob(app, UPLOADS);
      await finished(app, id);
      const usage = await usageOnce(
        app,
        (u) => (u.jobs ?? 0) >= 2,
        `count this check's job (the second of these checks' jobs on ${UPLOADS})`,
        UPLOADS,
        [id],
      );
      if (usage.usage?.lastJobAt !== jobTime) {
        expect.fail(
          `the usage says the last job ran at ${String(usage.usage?.lastJobAt)}, but the job's own ` +
            `clock (context.df.currentUtcDateTime) said ${jobTime}: ` +
            'its time came from the machine (new Date() or Date.now()), which gives another value ' +
            'on every replay. Use context.df.currentUtcDateTime.',
        );
      }
    },
  );

  check(
    "the entity's state stays small: counts, not a list of every thumbnail",
    {
      hint:
        "Every operation reads and writes the entity's whole state. Keep counts (thumbnails, " +
        'failed, bytes); the list of thumbnails is already in the manifest.',
      guide: `${GUIDE}#step-5-keep-the-state-small`,
    },
    async () => {
      // The entity's raw state, as the durable extension's HTTP API answers it.
      const path = `/runtime/webhooks/durabletask/entities/containerUsage/${UPLOADS}`;
      const res = await app.fetch(path);
      expect(res.status, `GET ${path}`).toBe(200);
      const text = await res.text();
      const state = JSON.parse(text) as Record<string, unknown>;
      const lists = Object.entries(state).filter(([, value]) => Array.isArray(value));
      if (lists.length > 0 || text.length > SMALL_STATE_BYTES) {
        const listed = lists.map(([key, value]) => `"${key}" (${(value as unknown[]).length} items)`).join(', ');
        const withLists = lists.length > 0 ? `, with the list${lists.length > 1 ? 's' : ''} ${listed}` : '';
        expect.fail(
          `after these checks' 2 jobs on ${UPLOADS}, the state of containerUsage@${UPLOADS} is ` +
            `${text.length} bytes${withLists}, ` +
            'and it grows with every job: every operation reads and writes all of it, and the task ' +
            'hub stores it after every batch. Keep counts; the manifest lists the thumbnails.',
        );
      }
    },
  );
});
