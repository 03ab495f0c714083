import { relative } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  check,
  labAppDir,
  lintFindings,
  outputSummary,
  repoRoot,
  startLabApp,
  type LabApp,
  type OrchestrationStatus,
} from '@workshop/testkit';
import { sampleImages } from '@workshop/samples';

const GUIDE = 'labs/08-non-deterministic-code/README.md';
const PERTURB_SETTING = 'WORKSHOP_DURABLE_PERTURB_REPLAY';
const WIDTH = 200;
const THUMBNAILS = 'thumbnails';

interface Manifest {
  instanceId: string;
  runId: string;
  createdAt: string;
  thumbnails: Array<{ source: string; blob: string }>;
  failed: Array<{ source: string; reason: string }>;
}

/** Starts a job through the app's POST /api/thumbnail-jobs and waits until it has ended, however it ended. */
async function runJob(
  app: LabApp,
  container: string,
  batchSize = 2,
): Promise<{ id: string; status: OrchestrationStatus }> {
  const what = `POST /api/thumbnail-jobs?container=${container}&width=${WIDTH}&batchSize=${batchSize}`;
  const res = await app.fetch(`/api/thumbnail-jobs?container=${container}&width=${WIDTH}&batchSize=${batchSize}`, {
    method: 'POST',
  });
  expect(res.status, `${what} should answer 202`).toBe(202);
  const body = (await res.json()) as { id?: unknown };
  expect(body.id, `${what}: the 202 body should carry the instance ID in "id"`).toBeTypeOf('string');
  const id = body.id as string;
  return { id, status: await app.waitForCompletion(id, { timeoutMs: 30_000 }) };
}

/** Lab 06's outcome on samples: 4 thumbnails, 3 failures, and the manifest the output names. */
async function expectSamplesJob(app: LabApp, status: OrchestrationStatus, what: string): Promise<Manifest> {
  if (status.runtimeStatus !== 'Completed') {
    const nde = /Non-Deterministic workflow detected/.test(outputSummary(status));
    expect.fail(
      `${what}, the job on samples should complete, but its runtimeStatus is ` +
        `${status.runtimeStatus}: ${outputSummary(status)}` +
        (nde
          ? ' — a replay took another decision than the first run: the orchestrator reads the clock ' +
            '(Date.now(), new Date()) or a random source (Math.random(), crypto.randomUUID()). Use ' +
            'context.df.currentUtcDateTime and context.df.newGuid(…).'
          : ''),
    );
  }
  const samples = await sampleImages();
  const good = samples.filter((s) => s.kind === 'image').length;
  expect(status.output, `${what}, the orchestration's output`).toMatchObject({
    images: samples.length,
    thumbnails: good,
    failed: samples.length - good,
    expired: false,
  });
  const where = (status.output as { manifest?: { container?: unknown; blob?: unknown } | null }).manifest;
  if (typeof where?.container !== 'string' || typeof where.blob !== 'string') {
    return expect.fail(
      `the output should say where the manifest is ({ manifest: { container, blob } }), but it is ` +
        `${JSON.stringify(status.output)}`,
    );
  }
  const blob = app.blobs.getContainerClient(where.container).getBlobClient(where.blob);
  expect(
    await blob.exists(),
    `${what}, the manifest the output names, ${where.container}/${where.blob}, should exist in storage`,
  ).toBe(true);
  return JSON.parse((await blob.downloadToBuffer()).toString('utf8')) as Manifest;
}

/**
 * The time of the instance's first episode: its first OrchestratorStarted row, what
 * context.df.currentUtcDateTime says there.
 */
async function firstEpisodeTime(app: LabApp, id: string): Promise<Date> {
  const rows = await app.history(id);
  const started = rows.find((row) => row['EventType'] === 'OrchestratorStarted');
  const timestamp = started?.['_Timestamp'] ?? started?.['Timestamp'];
  expect(timestamp, `the History table's first OrchestratorStarted row of ${id}`).toBeDefined();
  return new Date(timestamp as string | Date);
}

/** The manifest's time and name come from the history: the first episode's time, and a run id. */
async function expectManifestFromHistory(
  app: LabApp,
  id: string,
  status: OrchestrationStatus,
  manifest: Manifest,
): Promise<void> {
  const first = await firstEpisodeTime(app, id);
  const createdAt = new Date(manifest.createdAt);
  const off = createdAt.getTime() - first.getTime();
  if (off !== 0) {
    expect.fail(
      `the manifest's createdAt is ${manifest.createdAt}, ` +
        `${Math.abs(off) >= 3_600_000 ? `${(off / 3_600_000).toFixed(1)} hours` : `${off} ms`} ` +
        `${off > 0 ? 'after' : 'before'} ` +
        `the orchestration's first episode (${first.toISOString()}): it was read from the clock ` +
        `(new Date(), Date.now()) in a later episode, a replay. ` +
        'Take it from context.df.currentUtcDateTime at the top of the orchestrator: the same on every replay.',
    );
  }
  expect(manifest.runId, "the manifest's runId").toMatch(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  );
  const blob = (status.output as { manifest: { blob: string } }).manifest.blob;
  expect(blob, "the manifest's blob name: manifestName(createdAt, runId)").toBe(
    `manifests/${manifest.createdAt.slice(0, 10)}/${manifest.createdAt.replace(/:/g, '-')}-${manifest.runId}.json`,
  );
}

describe('the lint rule durable/orchestrator-determinism (npm run lint -- 08)', { concurrent: true }, () => {
  check(
    "ESLint's durable/orchestrator-determinism finds nothing in src: no clock, randomness, await or " +
      'I/O in the orchestrator',
    {
      hint:
        'Run npm run lint -- 08: each finding names the construct and its fix. Date.now() and ' +
        'new Date() → context.df.currentUtcDateTime; crypto.randomUUID() → ' +
        'context.df.newGuid(context.df.instanceId); saveManifest(…) → yield ' +
        'context.df.callActivity(WRITE_MANIFEST, manifest).',
      guide: `${GUIDE}#step-5-the-lint-rule`,
    },
    async () => {
      const appDir = labAppDir();
      const findings = await lintFindings(appDir);
      if (findings.length > 0) {
        expect.fail(
          `ESLint (npm run lint -- 08) finds ${findings.length} problem(s) in ` +
            `${relative(repoRoot, appDir)}/src:\n${findings.join('\n')}`,
        );
      }
    },
  );
});

describe('with Azurite and the sample images', { concurrent: true }, () => {
  let app: LabApp;

  beforeAll(async () => {
    app = await startLabApp({ seed: true });
  });

  afterAll(async () => {
    await app?.stop();
  });

  let samplesJob: ReturnType<typeof runJob> | undefined;
  const runSamplesJob = () => (samplesJob ??= runJob(app, 'samples'));

  check(
    "a job on samples completes with lab 06's 4 thumbnails and 3 failures, and the manifest its output names exists",
    {
      hint:
        "Keep lab 07's orchestration: listImages, makeThumbnail in batches with Task.all, then " +
        "the manifest; the output names the manifest's blob.",
      guide: `${GUIDE}#step-1-it-works-on-my-machine`,
    },
    async () => {
      const { status } = await runSamplesJob();
      await expectSamplesJob(app, status, 'Run normally');
    },
  );

  check(
    'the activity writeManifest writes the manifest: the orchestrator itself does no I/O',
    {
      hint:
        'saveManifest(…) writes the blob from the orchestrator: outside the history, on ' +
        'whichever episode gets there, its errors lost. Call the activity instead: const ' +
        'manifestBlob: string = yield context.df.callActivity(WRITE_MANIFEST, manifest).',
      guide: `${GUIDE}#step-4-io-belongs-in-activities`,
    },
    async () => {
      const { id, status } = await runSamplesJob();
      expect(status.runtimeStatus, `the job's runtimeStatus (${outputSummary(status)})`).toBe('Completed');
      const rows = await app.history(id);
      const scheduled = rows.filter((row) => row['EventType'] === 'TaskScheduled').map((row) => String(row['Name']));
      if (!scheduled.includes('writeManifest')) {
        expect.fail(
          `the history of ${id} schedules ${[...new Set(scheduled)].join(', ')}, but never ` +
            `writeManifest: the manifest was written by the orchestrator itself. ` +
            'I/O in an orchestrator runs outside the history, again on replays, and its failure is ' +
            "not the orchestration's: move it into the activity writeManifest.",
        );
      }
      expect(scheduled.filter((name) => name === 'writeManifest').length, 'writeManifest scheduled once').toBe(1);
    },
  );

  check(
    "the manifest's createdAt is the time of the orchestration's first episode " +
      '(currentUtcDateTime), and its name is manifestName(createdAt, runId)',
    {
      hint:
        'Read "now" once, at the top, from the history: const startedAt = ' +
        'context.df.currentUtcDateTime. The run id: context.df.newGuid(context.df.instanceId).',
      guide: `${GUIDE}#step-2-time-from-the-history`,
    },
    async () => {
      const { id, status } = await runSamplesJob();
      const manifest = await expectSamplesJob(app, status, 'Run normally');
      await expectManifestFromHistory(app, id, status, manifest);
    },
  );
});

describe(`replayed on another machine, a day later (${PERTURB_SETTING}=true)`, { concurrent: true }, () => {
  let app: LabApp;

  beforeAll(async () => {
    app = await startLabApp({ seed: true, env: { [PERTURB_SETTING]: 'true' } });
  });

  afterAll(async () => {
    await app?.stop();
  });

  let samplesJob: ReturnType<typeof runJob> | undefined;
  const runSamplesJob = () => (samplesJob ??= runJob(app, 'samples'));

  check(
    'when every replay runs a day later on another machine, a job on samples still completes: the ' +
      'orchestrator takes the same decisions on every replay',
    {
      hint:
        `With ${PERTURB_SETTING}=true every replay sees the clock a day ahead and another ` +
        `random source, as a replay in Azure may. Date.now() in the expiry test then expires a job ` +
        `the first run had started: "Non-Deterministic workflow detected". Use context.df.currentUtcDateTime.`,
      guide: `${GUIDE}#step-2-time-from-the-history`,
    },
    async () => {
      const { status } = await runSamplesJob();
      await expectSamplesJob(app, status, 'With every replay a day later');
    },
  );

  check(
    'when every replay runs a day later, the manifest still says when the job started, and its name ' +
      'is the one the output gives',
    {
      hint:
        'Nothing of the manifest may come from the clock or a random source of the ' +
        "orchestrator's process: createdAt from context.df.currentUtcDateTime, runId from context.df.newGuid(…).",
      guide: `${GUIDE}#step-3-ids-from-the-history`,
    },
    async () => {
      const { id, status } = await runSamplesJob();
      const manifest = await expectSamplesJob(app, status, 'With every replay a day later');
      await expectManifestFromHistory(app, id, status, manifest);
      const thumbnails = app.blobs.getContainerClient(THUMBNAILS);
      for (const thumbnail of manifest.thumbnails) {
        expect(
          await thumbnails.getBlobClient(thumbnail.blob).exists(),
          `the thumbnail ${THUMBNAILS}/${thumbnail.blob} should exist`,
        ).toBe(true);
      }
    },
  );
});
