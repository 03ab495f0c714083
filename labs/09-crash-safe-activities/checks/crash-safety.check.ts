import { afterAll, beforeAll, describe, expect } from 'vitest';
import { check, hasEnded, outputSummary, startLabApp, type LabApp, type OrchestrationStatus } from '@workshop/testkit';

const GUIDE = 'labs/09-crash-safe-activities/README.md';
const CRASH_SETTING = 'WORKSHOP_DURABLE_CRASH_AFTER_ACTIVITY';
/**
 * host.json's storageProvider.maxQueuePollingInterval, as an app setting: the restarted host
 * looks at its empty queues every 50 ms at most, so it finds the work item as soon as its lease
 * has run out.
 */
const POLLING_SETTING = 'AzureFunctionsJobHost__extensions__durableTask__storageProvider__maxQueuePollingInterval';
const ACTIVITY = 'applyScale';
const SETTINGS = 'settings';
const SCALE_BLOB = 'scale.json';

async function writeFactor(app: LabApp, factor: number): Promise<void> {
  const container = app.blobs.getContainerClient(SETTINGS);
  await container.createIfNotExists();
  const body = `${JSON.stringify({ factor })}\n`;
  await container
    .getBlockBlobClient(SCALE_BLOB)
    .upload(body, Buffer.byteLength(body), { blobHTTPHeaders: { blobContentType: 'application/json' } });
}

async function readFactor(app: LabApp): Promise<unknown> {
  const blob = app.blobs.getContainerClient(SETTINGS).getBlobClient(SCALE_BLOB);
  if (!(await blob.exists())) return undefined;
  return (JSON.parse((await blob.downloadToBuffer()).toString('utf8')) as { factor?: unknown }).factor;
}

/**
 * Waits for the end of an orchestration while the host may crash and be restarted under us:
 * a status request that the crash cuts off is simply asked again.
 */
async function waitThroughCrashes(app: LabApp, id: string, timeoutMs = 45_000): Promise<OrchestrationStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: OrchestrationStatus | undefined;
  while (Date.now() < deadline) {
    try {
      last = await app.status(id);
      if (last && hasEnded(last)) return last;
    } catch {
      // The host is down or restarting: ask again.
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return expect.fail(
    `the orchestration ${id} did not end within ${timeoutMs / 1000} s (last status: ` +
      `${last?.runtimeStatus ?? 'unknown'}). The host's last ` +
      `lines:\n${app.logs().trimEnd().split('\n').slice(-15).join('\n')}`,
  );
}

/** Seeds factor 1, starts POST /api/scale-jobs?by=2 and waits for its end. */
async function runScaleJob(app: LabApp): Promise<{ id: string; status: OrchestrationStatus }> {
  await writeFactor(app, 1);
  const res = await app.fetch('/api/scale-jobs?by=2', { method: 'POST' });
  expect(res.status, 'POST /api/scale-jobs?by=2 should answer 202').toBe(202);
  const body = (await res.json()) as { id?: unknown };
  expect(body.id, 'the 202 body should carry the instance ID in "id"').toBeTypeOf('string');
  const id = body.id as string;
  return { id, status: await waitThroughCrashes(app, id) };
}

function executions(app: LabApp, name: string): number {
  return app.logs().match(new RegExp(`Executing 'Functions\\.${name}'`, 'g'))?.length ?? 0;
}

describe('without crashes', { concurrent: true }, () => {
  let app: LabApp;
  beforeAll(async () => {
    app = await startLabApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  check(
    'POST /api/scale-jobs?by=2 completes and doubles the factor in settings/scale.json: 1 → 2',
    {
      hint:
        'scaleOrchestrator: const current = yield context.df.callActivity(READ_SCALE); then ' +
        'yield context.df.callActivity(APPLY_SCALE, { by: job.by, from: current.factor, etag: ' +
        'current.etag }), and return what applyScale returns.',
      guide: `${GUIDE}#step-1-it-works-until-it-crashes`,
    },
    async () => {
      const { status } = await runScaleJob(app);
      expect(status.runtimeStatus, `the job's runtimeStatus (${outputSummary(status)})`).toBe('Completed');
      expect(status.output, "the orchestration's output").toMatchObject({ by: 2, previous: 1, factor: 2 });
      expect(await readFactor(app), `the factor in ${SETTINGS}/${SCALE_BLOB}`).toBe(2);
    },
  );

  check(
    'a scale job started through the management API with {"by":0} fails at once, and the factor stays as it was',
    {
      hint:
        'The management API skips scale-jobs.ts. Keep const check = ' +
        'checkScaleJob(context.df.getInput()) and the throw at the top of scaleOrchestrator: by 0 ' +
        'would set the factor to 0 for good.',
      guide: 'labs/06-fan-out-fan-in/README.md#dont-trust-your-own-input',
    },
    async () => {
      await writeFactor(app, 1);
      const id = 'scale-by-0';
      const what = `POST /runtime/webhooks/durabletask/orchestrators/scaleOrchestrator/${id} with {"by":0}`;
      const res = await app.fetch(`/runtime/webhooks/durabletask/orchestrators/scaleOrchestrator/${id}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ by: 0 }),
      });
      expect(res.status, `${what} should answer 202`).toBe(202);
      const status = await app.waitForCompletion(id, { timeoutMs: 8_000 });
      expect(status.runtimeStatus, `the job started by ${what} (${outputSummary(status)})`).toBe('Failed');
      expect(outputSummary(status), "the failure's message should say what by must be").toMatch(/\bby\b/);
      expect(await readFactor(app), `the factor in ${SETTINGS}/${SCALE_BLOB}`).toBe(1);
    },
  );
});

describe(
  `the host crashes after ${ACTIVITY}'s write, before its result is checkpointed ` + `(${CRASH_SETTING}=${ACTIVITY})`,
  { concurrent: true },
  () => {
    let app: LabApp;
    beforeAll(async () => {
      // The test kit ends the crashed host's leases once the host is back (virtual time for a
      // lease). A lease renewed after the crash switch noted it runs out: 1 s, not 2 s (the test
      // kit's) or 10 s (npm start's).
      app = await startLabApp({
        env: { [CRASH_SETTING]: ACTIVITY, WORKSHOP_DURABLE_LEASE_MS: '1000', [POLLING_SETTING]: '00:00:00.05' },
      });
    });
    afterAll(async () => {
      await app?.stop();
    });

    let job: ReturnType<typeof runScaleJob> | undefined;
    const runJob = () => (job ??= runScaleJob(app));

    check(
      "after a crash between applyScale's write and its checkpoint, and a restart, the factor is " +
        'scaled exactly once: 1 → 2',
      {
        hint:
          'applyScale runs twice: the second run must not multiply again. Compute the factor from ' +
          "the input (from × by, from readScale's result in the history) and write with " +
          'writeScaleSettings(…, { ifMatch: etag }); when that answers { written: false }, the blob ' +
          'already holds from × by: return the same summary.',
        guide: `${GUIDE}#step-3-make-the-activity-idempotent`,
      },
      async () => {
        const { status } = await runJob();
        expect(status.runtimeStatus, `the job's runtimeStatus (${outputSummary(status)})`).toBe('Completed');
        const factor = await readFactor(app);
        if (factor !== 2) {
          expect.fail(
            `the factor was scaled twice: ${String(factor)} instead of 2 — the activity ran again ` +
              `after the crash; make it idempotent ` +
              `(${ACTIVITY} read the factor it had already written, and multiplied it again).`,
          );
        }
        expect(status.output, "the orchestration's output: the factor before and after, once").toMatchObject({
          by: 2,
          previous: 1,
          factor: 2,
        });
      },
    );

    check(
      'the engine ran applyScale twice: the host crashed after its first run, and the history records ' +
        'it scheduled and completed once',
      {
        hint:
          `Nothing to change here: with ${CRASH_SETTING}=${ACTIVITY} the host kills itself once ` +
          `after ${ACTIVITY} has run; the work item reappears after its lease and the restarted host ` +
          `runs the activity again.`,
        guide: `${GUIDE}#step-2-watch-it-run-twice`,
      },
      async () => {
        const { id, status } = await runJob();
        expect(status.runtimeStatus, `the job's runtimeStatus (${outputSummary(status)})`).toBe('Completed');
        expect(app.logs(), "the host's log: the crash after the activity").toContain(`activity '${ACTIVITY}'`);
        expect(executions(app, ACTIVITY), `"Executing 'Functions.${ACTIVITY}'" lines in the host's log`).toBe(2);
        const rows = await app.history(id);
        const named = (type: string) =>
          rows.filter((row) => row['EventType'] === type && row['Name'] === ACTIVITY).length;
        expect(named('TaskScheduled'), `TaskScheduled rows for ${ACTIVITY} in the history of ${id}`).toBe(1);
        const scheduledIds = rows
          .filter((row) => row['EventType'] === 'TaskScheduled' && row['Name'] === ACTIVITY)
          .map((row) => row['EventId']);
        const completed = rows.filter(
          (row) => row['EventType'] === 'TaskCompleted' && scheduledIds.includes(row['TaskScheduledId']),
        ).length;
        expect(completed, `TaskCompleted rows for ${ACTIVITY} in the history of ${id}`).toBe(1);
      },
    );
  },
);
