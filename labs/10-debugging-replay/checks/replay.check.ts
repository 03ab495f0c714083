import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  check,
  formatHistoryMermaid,
  formatHistoryTable,
  hasEnded,
  historyEvents,
  outputSummary,
  startLabApp,
  type LabApp,
  type OrchestrationStatus,
} from '@workshop/testkit';

const GUIDE = 'labs/10-debugging-replay/README.md';
/** The samples container holds 7 blobs: 4 images and 3 that are not thumbnails material. */
const SAMPLES = 7;
const STEPS = ['Listing samples', 'Resizing photo.jpg', 'Writing the manifest'];

function count(text: string, line: string): number {
  return text.split(line).length - 1;
}

describe('a thumbnail job on samples', () => {
  let app: LabApp;
  let job: Promise<{ id: string; status: OrchestrationStatus }> | undefined;

  beforeAll(async () => {
    app = await startLabApp({ seed: true });
  });
  afterAll(async () => {
    await app?.stop();
  });

  /** Starts POST /api/thumbnail-jobs?container=samples&width=200 once, and waits for its end. */
  const runJob = () =>
    (job ??= (async () => {
      const res = await app.fetch('/api/thumbnail-jobs?container=samples&width=200', { method: 'POST' });
      expect(res.status, 'POST /api/thumbnail-jobs?container=samples&width=200 should answer 202').toBe(202);
      const body = (await res.json()) as { id?: unknown };
      expect(body.id, 'the 202 body should carry the instance ID in "id"').toBeTypeOf('string');
      const id = body.id as string;
      const status = await app.waitForCompletion(id, { timeoutMs: 60_000 });
      expect(status.runtimeStatus, `the job's runtimeStatus (${outputSummary(status)})`).toBe('Completed');
      return { id, status };
    })());

  check(
    'each step of a job on samples is logged exactly once, across all the replays of the orchestrator',
    {
      hint:
        'The orchestrator runs again from the top after every activity, and so does every ' +
        'context.log in it. Log only when !context.df.isReplaying: in step() and in the batch.map ' +
        'that logs "Resizing …".',
      guide: `${GUIDE}#step-2-log-once-with-isreplaying`,
    },
    async () => {
      await runJob();
      const logs = app.logs();
      for (const line of STEPS) {
        const times = count(logs, line);
        if (times > 1) {
          expect.fail(
            `'${line}' was logged ${times} times: the orchestrator logs again on every replay; ` +
              `guard with context.df.isReplaying`,
          );
        }
        expect(times, `'${line}' in the host's log`).toBe(1);
      }
    },
  );

  check(
    "the custom status shows the last step: phase done, with the step's message",
    {
      hint:
        'In step(), set the custom status on every run, replays included: ' +
        'context.df.setCustomStatus({ ...progress, step: message }). The value at the next yield ' +
        '(or at the return) is the one saved.',
      guide: `${GUIDE}#step-3-custom-status-a-live-progress-signal`,
    },
    async () => {
      const { id } = await runJob();
      const status = await app.status(id);
      const custom = status?.customStatus as { phase?: unknown; step?: unknown; total?: unknown } | null | undefined;
      expect(custom, "the job's customStatus").toBeTypeOf('object');
      expect(custom?.phase, 'customStatus.phase').toBe('done');
      expect(custom?.total, 'customStatus.total').toBe(SAMPLES);
      expect(String(custom?.step ?? ''), 'customStatus.step: the last step logged').toMatch(
        /^Done: 4 thumbnails, 3 failed/,
      );
    },
  );

  check(
    'while a job with batchSize=2 runs, its custom status always shows a step: every episode sets it, replays included',
    {
      hint:
        'An episode woken by one result of a batch whose other results have not come yet only ' +
        'replays: every step() it runs has isReplaying true. Guarded by !context.df.isReplaying, ' +
        'setCustomStatus does not run there, and that checkpoint saves no custom status (null). ' +
        'Keep the guard on the log only.',
      guide: `${GUIDE}#step-3-custom-status-a-live-progress-signal`,
    },
    async () => {
      // A job of its own, after the log check has counted the first job's lines. Batches of 2
      // make several episodes that only replay: one result of a batch in, the other still out.
      const res = await app.fetch('/api/thumbnail-jobs?container=samples&width=200&batchSize=2', { method: 'POST' });
      expect(res.status, 'POST /api/thumbnail-jobs?container=samples&width=200&batchSize=2 should answer 202').toBe(
        202,
      );
      const { id } = (await res.json()) as { id: string };
      // Every custom status the status endpoint showed while the job ran, as a learner polling it would see them.
      const seen: string[] = [];
      const end = await app.waitForStatus(
        id,
        (status) => {
          const custom = status.customStatus as { step?: unknown } | null | undefined;
          const shown =
            status.runtimeStatus === 'Pending'
              ? undefined
              : custom === null || custom === undefined
                ? 'null'
                : String(custom.step ?? '?');
          if (shown !== undefined && seen.at(-1) !== shown) seen.push(shown);
          return hasEnded(status);
        },
        { timeoutMs: 60_000, what: 'finish' },
      );
      expect(end.runtimeStatus, `the job's runtimeStatus (${outputSummary(end)})`).toBe('Completed');
      const steps = seen.filter((shown) => shown !== 'null');
      if (steps.length === 0) {
        expect.fail(
          "the job's custom status stayed null from start to end: set it in step(), " +
            'context.df.setCustomStatus({ ...progress, step: message })',
        );
      }
      const lost = seen.slice(seen.indexOf(steps[0]!)).filter((shown) => shown === 'null').length;
      if (lost > 0) {
        const short = (shown: string) => (shown.length > 40 ? `${shown.slice(0, 40)}…` : shown);
        const path = seen.map((shown) => (shown === 'null' ? 'null' : `'${short(shown)}'`)).join(' → ');
        expect.fail(
          `the custom status went back to null ${lost} time(s) while the job ran (${path}): ` +
            'an episode that only replays saved none; set it on every run, not only when !context.df.isReplaying',
        );
      }
    },
  );

  check(
    "npm run history shows the job's events in order: ExecutionStarted, listImages, 7 × " +
      'makeThumbnail, writeManifest, ExecutionCompleted',
    {
      hint:
        'Nothing to change here: the history viewer (formatHistoryTable and ' +
        'formatHistoryMermaid in the test kit) reads the {Hub}History rows. Run npm run history -- ' +
        '<id> --lab 10 while npm start -- 10 runs.',
      guide: `${GUIDE}#step-4-read-the-history`,
    },
    async () => {
      const { id } = await runJob();
      const rows = await app.history(id);
      const events = historyEvents(rows);
      const milestones = events
        .filter((e) => ['ExecutionStarted', 'TaskScheduled', 'ExecutionCompleted'].includes(e.eventType))
        .map((e) => (e.eventType === 'TaskScheduled' ? e.name : e.eventType));
      expect(milestones, `the history of ${id}: started, scheduled activities, completed`).toEqual([
        'ExecutionStarted',
        'listImages',
        ...Array.from({ length: SAMPLES }, () => 'makeThumbnail'),
        'writeManifest',
        'ExecutionCompleted',
      ]);
      const completed = events.filter((e) => e.eventType === 'TaskCompleted');
      expect(
        completed.map((e) => e.name).sort(),
        'every TaskCompleted names the activity of its TaskScheduledId',
      ).toEqual(['listImages', ...Array.from({ length: SAMPLES }, () => 'makeThumbnail'), 'writeManifest'].sort());
      expect(
        events.filter((e) => e.eventType === 'OrchestratorStarted').length,
        'episodes (OrchestratorStarted)',
      ).toBeGreaterThanOrEqual(4);

      const table = formatHistoryTable(rows);
      expect(table.split('\n')[0], "the table's header").toMatch(/EventType\s+EventId\s+Name\s+TaskScheduledId/);
      expect(table, 'the table').toContain('ExecutionCompleted');
      const mermaid = formatHistoryMermaid(rows);
      expect(mermaid.startsWith('sequenceDiagram\n'), 'the Mermaid diagram starts with sequenceDiagram').toBe(true);
      expect(mermaid, "the diagram's participants").toContain('participant A_makeThumbnail as makeThumbnail');
      expect(mermaid, "the diagram's episodes").toContain('Note over Orchestrator: episode 1');
    },
  );
});
