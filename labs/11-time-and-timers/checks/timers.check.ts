import { relative } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  check,
  hasEnded,
  labAppDir,
  lintFindings,
  outputSummary,
  repoRoot,
  startLabApp,
  type LabApp,
  type OrchestrationStatus,
} from '@workshop/testkit';
import { sampleImage } from '@workshop/samples';

const GUIDE = 'labs/11-time-and-timers/README.md';
const MINUTE = 60_000;
const CHECK_EVERY = 5 * MINUTE;
const GIVE_UP_AFTER = 60 * MINUTE;
const RESIZE_TIMEOUT = 2 * MINUTE;
/** Looking at 0, 5, …, 60 minutes. */
const CHECKS_IN_AN_HOUR = GIVE_UP_AFTER / CHECK_EVERY + 1;
const UPLOADS = 'uploads';
const WIDTH = 200;

interface WatchProgress {
  phase?: string;
  checks?: number;
  startedAt?: string;
  giveUpAt?: string;
  nextCheckAt?: string;
}

interface WatchResult {
  outcome?: string;
  startedAt?: string;
  endedAt?: string;
  checks?: number;
  thumbnail?: { blob?: string; width?: number };
}

/** "+1 h 0 min 0.000 s" after `from`: exact to the millisecond, readable at a glance. */
function after(from: string | number | Date, to: string | number | Date): string {
  const ms = new Date(to).getTime() - new Date(from).getTime();
  const sign = ms < 0 ? '−' : '+';
  const abs = Math.abs(ms);
  const h = Math.floor(abs / 3_600_000);
  const min = Math.floor((abs % 3_600_000) / MINUTE);
  const s = ((abs % MINUTE) / 1000).toFixed(3);
  return `${sign}${h > 0 ? `${h} h ` : ''}${min} min ${s} s`;
}

/** POST /api/upload-watches for container/blob; the instance id. */
async function startWatch(app: LabApp, blob: string): Promise<string> {
  const path = `/api/upload-watches?container=${UPLOADS}&blob=${encodeURIComponent(blob)}&width=${WIDTH}`;
  const res = await app.fetch(path, { method: 'POST' });
  expect(res.status, `POST ${path} should answer 202`).toBe(202);
  const body = (await res.json()) as { id?: unknown };
  expect(body.id, `POST ${path}: the 202 body should carry the instance ID in "id"`).toBeTypeOf('string');
  return body.id as string;
}

async function upload(app: LabApp, blob: string): Promise<void> {
  const photo = await sampleImage('photo.jpg');
  const container = app.blobs.getContainerClient(UPLOADS);
  await container.createIfNotExists();
  await container
    .getBlockBlobClient(blob)
    .uploadData(photo.bytes, { blobHTTPHeaders: { blobContentType: photo.contentType } });
}

function progressOf(status: OrchestrationStatus): WatchProgress {
  return (status.customStatus ?? {}) as WatchProgress;
}

/** The watch made the thumbnail, and it is in storage. */
async function expectThumbnail(app: LabApp, status: OrchestrationStatus, what: string): Promise<WatchResult> {
  expect(status.runtimeStatus, `${what}: the watch's runtimeStatus (${outputSummary(status)})`).toBe('Completed');
  const result = status.output as WatchResult;
  if (result.outcome === 'resize-timed-out') {
    expect.fail(
      `${what}, the watch gave up on the resize at ` +
        `${after(result.startedAt ?? 0, result.endedAt ?? 0)}: its 2-minute timer fired first. ` +
        "Is the timer's due time context.df.currentUtcDateTime + RESIZE_TIMEOUT_MS? A time from the " +
        "wall clock can be long past on the orchestration's clock.",
    );
  }
  expect(result, `${what}: the watch's output`).toMatchObject({ outcome: 'thumbnail', thumbnail: { width: WIDTH } });
  const blob = app.blobs.getContainerClient('thumbnails').getBlobClient(result.thumbnail!.blob!);
  expect(await blob.exists(), `${what}: the thumbnail thumbnails/${result.thumbnail!.blob} should exist`).toBe(true);
  return result;
}

describe('the lint rule durable/orchestrator-determinism (npm run lint -- 11)', { concurrent: true }, () => {
  check(
    "ESLint's durable/orchestrator-determinism finds nothing in src: no orchestrator reads the wall clock",
    {
      hint:
        'Run npm run lint -- 11: each finding names the construct and its fix. new Date() and ' +
        'Date.now() in an orchestrator → context.df.currentUtcDateTime.',
      guide: `${GUIDE}#step-2-one-clock-currentutcdatetime`,
    },
    async () => {
      const appDir = labAppDir();
      const findings = await lintFindings(appDir);
      if (findings.length > 0) {
        expect.fail(
          `ESLint (npm run lint -- 11) finds ${findings.length} problem(s) in ` +
            `${relative(repoRoot, appDir)}/src:\n${findings.join('\n')}`,
        );
      }
    },
  );
});

// The virtual clock stands still until the check moves it: the check decides when 5 minutes pass.
describe('with a virtual clock that the check moves', { concurrent: true }, () => {
  let app: LabApp;

  beforeAll(async () => {
    app = await startLabApp({ clock: 'virtual' });
  });
  afterAll(async () => {
    await app?.stop();
  });

  check(
    'a watch looks for its blob, waits on a durable timer due exactly 5 minutes later, and makes ' +
      'the thumbnail once the blob is there',
    {
      hint:
        "Take every time from context.df.currentUtcDateTime, the orchestration's clock: the " +
        'timer is due at currentUtcDateTime + CHECK_EVERY_MS. new Date() is the wall clock: another ' +
        'time on every replay, and not the time a test moves.',
      guide: `${GUIDE}#step-3-a-durable-timer`,
    },
    async ({ narrow }) => {
      const start = await app.clock.now();
      const id = await startWatch(app, 'later.jpg');
      // A second check on a clock that stands still: the timer between them did not wait.
      const waiting = await app.waitForStatus(
        id,
        (s) => progressOf(s).phase === 'waiting' || hasEnded(s) || (progressOf(s).checks ?? 0) > 1,
        { what: 'wait for its first durable timer' },
      );
      const checks = progressOf(waiting).checks ?? 0;
      if (checks > 1 && progressOf(waiting).phase !== 'waiting') {
        narrow({
          hint: 'A durable timer waits only when the orchestrator yields it: yield context.df.createTimer(nextCheckAt).',
          guide: `${GUIDE}#step-3-a-durable-timer`,
        });
        expect.fail(
          `the watch checked for ${UPLOADS}/later.jpg ${checks} times while the orchestration's clock stood ` +
            'still: the durable timer between two checks did not wait. A timer that is not yielded is ' +
            'never waited for; yield context.df.createTimer(nextCheckAt).',
        );
      }
      expect(
        waiting.runtimeStatus,
        `the watch for ${UPLOADS}/later.jpg, before the blob exists (${outputSummary(waiting)})`,
      ).toBe('Running');
      const progress = progressOf(waiting);
      if (progress.startedAt !== start.toISOString()) {
        expect.fail(
          `the watch says it started at ${progress.startedAt}, but the orchestration's clock said ` +
            `${start.toISOString()} (${after(start, progress.startedAt ?? start)}): ` +
            'it read the wall clock (new Date(), Date.now()). Use context.df.currentUtcDateTime.',
        );
      }
      const rows = await app.history(id);
      const timers = rows
        .filter((row) => row['EventType'] === 'TimerCreated')
        .map((row) => String(row['FireAt'] instanceof Date ? (row['FireAt'] as Date).toISOString() : row['FireAt']));
      expect(timers.length, `TimerCreated rows in the history of ${id}: the durable timer of the first check`).toBe(1);
      const due = new Date(start.getTime() + CHECK_EVERY).toISOString();
      if (new Date(timers[0]!).toISOString() !== due) {
        expect.fail(
          `the durable timer is due at ${timers[0]} (${after(start, timers[0]!)} after the watch ` +
            `started), not at ${due} (+5 min 0.000 s): ` +
            'its time came from the wall clock. Due times come from context.df.currentUtcDateTime.',
        );
      }

      await upload(app, 'later.jpg');
      await app.clock.advance(CHECK_EVERY);
      // This check is about the timer: a resize timeout left pending (step 5's lesson) keeps the
      // watch Running on a clock that stands still, so the check lets its two minutes pass too.
      const found = await app.waitForStatus(id, (s) => progressOf(s).phase === 'done' || hasEnded(s), {
        what: 'find the blob at its second check and make the thumbnail',
      });
      if (found.runtimeStatus === 'Running') await app.clock.advance(RESIZE_TIMEOUT);
      const status = await app.waitForCompletion(id);
      const result = await expectThumbnail(app, status, 'Once the blob was there and 5 minutes passed');
      expect(
        { checks: result.checks, endedAt: result.endedAt },
        'the watch found it at its second check, 5 minutes after it started',
      ).toEqual({
        checks: 2,
        endedAt: due,
      });
    },
  );

  check(
    'a watch started through the management API with a deadline a year away fails at once: the ' +
      'orchestrator checks its own input',
    {
      hint:
        'The management API skips upload-watches.ts. Keep const check = ' +
        'checkWatchInput(context.df.getInput()) and the throw at the top of the orchestrator: it ' +
        'refuses a giveUpAt more than an hour after startedAt.',
      guide: 'labs/06-fan-out-fan-in/README.md#dont-trust-your-own-input',
    },
    async () => {
      const id = 'a-year-long-watch';
      const input = {
        container: UPLOADS,
        blob: 'never.jpg',
        width: WIDTH,
        startedAt: '2026-01-01T00:00:00.000Z',
        giveUpAt: '2027-01-01T00:00:00.000Z',
        checks: 0,
      };
      const what =
        `POST /runtime/webhooks/durabletask/orchestrators/uploadWatchOrchestrator/${id} ` +
        `with ${JSON.stringify(input)}`;
      const res = await app.fetch(`/runtime/webhooks/durabletask/orchestrators/uploadWatchOrchestrator/${id}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(input),
      });
      expect(res.status, `${what} should answer 202`).toBe(202);
      const status = await app.waitForCompletion(id, { timeoutMs: 8_000 });
      expect(status.runtimeStatus, `the watch started by ${what} (${outputSummary(status)})`).toBe('Failed');
      expect(outputSummary(status), "the failure's message should name giveUpAt").toMatch(/giveUpAt/);
    },
  );
});

// Time skipping: whenever the app is idle, the clock jumps to the next durable timer. An hour
// of timers passes in a blink, and every timer still fires at exactly its due time.
describe('with a clock that skips to the next timer', { concurrent: true }, () => {
  let app: LabApp;

  beforeAll(async () => {
    app = await startLabApp({ clock: 'auto' });
  });
  afterAll(async () => {
    await app?.stop();
  });

  check(
    'a watch for a blob that never comes gives up exactly 1 hour after it started, after 13 checks',
    {
      hint:
        'The deadline must stay put: compute it once, in the first execution, from ' +
        'context.df.currentUtcDateTime (startWatch does), and hand it on with ' +
        'context.df.continueAsNew. Each execution starts from scratch: a deadline computed there ' +
        'moves on every time.',
      guide: `${GUIDE}#step-4-the-monitor-continueasnew-and-a-deadline-that-stays-put`,
    },
    async () => {
      const id = await startWatch(app, 'never.jpg');
      const deadlines = new Set<string>();
      const status = await app.waitForStatus(
        id,
        (s) => {
          const progress = progressOf(s);
          if (progress.giveUpAt) deadlines.add(progress.giveUpAt);
          return hasEnded(s) || (progress.checks ?? 0) > CHECKS_IN_AN_HOUR;
        },
        { timeoutMs: 60_000, what: 'give up or run past 13 checks' },
      );
      const checks = progressOf(status).checks ?? 0;
      if (status.runtimeStatus === 'Running' && checks > CHECKS_IN_AN_HOUR) {
        // Stop it, or it keeps the host busy (and the clock moving) under the next checks.
        await app.fetch(`/runtime/webhooks/durabletask/instances/${id}/terminate?reason=never-gives-up`, {
          method: 'POST',
        });
        const moving = [...deadlines];
        expect.fail(
          `the watch has looked ${checks} times and is still watching: an hour of checks every 5 ` +
            `minutes is ${CHECKS_IN_AN_HOUR}. ` +
            (moving.length > 1
              ? `Its deadline moved ${moving.length - 1} times (${moving.slice(0, 3).join(', ')}, ` +
                `…): it is computed again by every execution. Compute it once and hand it on with continueAsNew.`
              : `Its deadline ${moving[0] ?? '(none in the custom status)'} never comes: it was ` +
                `read from the wall clock, which barely moves while the orchestration's clock skips ` +
                `ahead. Use context.df.currentUtcDateTime.`),
        );
      }
      expect(status.runtimeStatus, `the watch's runtimeStatus (${outputSummary(status)})`).toBe('Completed');
      const result = status.output as WatchResult;
      expect(result.outcome, "the watch's outcome").toBe('gave-up');
      const elapsed = after(result.startedAt ?? 0, result.endedAt ?? 0);
      if (elapsed !== '+1 h 0 min 0.000 s') {
        expect.fail(
          `the watch gave up ${elapsed} after it started (${result.startedAt} → ${result.endedAt}), ` +
            `not +1 h 0 min 0.000 s: the times should all come from context.df.currentUtcDateTime.`,
        );
      }
      expect(result.checks, 'how many times the watch looked').toBe(CHECKS_IN_AN_HOUR);
    },
  );

  check(
    'a resize that beats its 2-minute timeout ends the watch at once: the timeout timer is cancelled',
    {
      hint:
        'When Task.any resumes with the resize, the timer is still pending, and an ' +
        'orchestration is not Completed while a timer is pending. Call timeout.cancel() as soon as the resize has won.',
      guide: `${GUIDE}#step-5-a-timeout-taskany-and-cancel`,
    },
    async () => {
      await upload(app, 'ready.jpg');
      const id = await startWatch(app, 'ready.jpg');
      const status = await app.waitForCompletion(id, { timeoutMs: 30_000 });
      const result = await expectThumbnail(app, status, 'With the blob already there');
      expect(result.checks, 'how many times the watch looked').toBe(1);
      // lastUpdatedTime has whole seconds: the watch ends in the same second it made the
      // thumbnail, or, with the timer pending, two minutes later.
      const completedAfter = new Date(status.lastUpdatedTime).getTime() - new Date(result.endedAt ?? 0).getTime();
      if (completedAfter >= RESIZE_TIMEOUT / 2) {
        expect.fail(
          `the thumbnail was made at ${after(result.startedAt ?? 0, result.endedAt ?? 0)}, but the ` +
            `watch was Completed only about ${Math.round(completedAfter / 1000)} s later ` +
            `(lastUpdatedTime ${status.lastUpdatedTime}): ` +
            'it stayed Running until the 2-minute timeout timer fired, because nobody cancelled it. ' +
            'Call timeout.cancel() when the resize wins.',
        );
      }
    },
  );

  check(
    'POST /api/upload-watches answers 400 with a JSON message for a missing blob name, a bad width ' +
      'or the thumbnails container',
    {
      hint:
        'Validate like thumbnail-jobs: nonBlank(queryParam(…)), checkContainerName, ' +
        'checkBlobName, parseWidth; 400 { error } for each.',
      guide: `${GUIDE}#step-1-watch-it-happen`,
    },
    async () => {
      for (const query of [
        `container=${UPLOADS}`,
        `container=${UPLOADS}&blob=a.jpg&width=abc`,
        'container=thumbnails&blob=a.jpg',
        `container=UP&blob=a.jpg`,
      ]) {
        const res = await app.fetch(`/api/upload-watches?${query}`, { method: 'POST' });
        expect(res.status, `POST /api/upload-watches?${query}`).toBe(400);
        const body = (await res.json()) as { error?: unknown };
        expect(body.error, `POST /api/upload-watches?${query}: the JSON body's "error"`).toBeTypeOf('string');
      }
    },
  );
});
