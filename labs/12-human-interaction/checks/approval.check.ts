import { afterAll, beforeAll, describe, expect } from 'vitest';
import { check, hasEnded, outputSummary, startLabApp, type LabApp, type OrchestrationStatus } from '@workshop/testkit';

const GUIDE = 'labs/12-human-interaction/README.md';
const HOUR = 60 * 60 * 1000;
const DEADLINE = 24 * HOUR;
const EVENT = 'approval';
const WIDTH = 200;

interface ReviewProgress {
  phase?: string;
  startedAt?: string;
  deadlineAt?: string;
  event?: string;
  thumbnail?: string;
  ignored?: number;
  lastIgnored?: string;
}

interface ReviewResult {
  outcome?: string;
  reviewer?: string;
  startedAt?: string;
  endedAt?: string;
  ignored?: number;
  published?: { container?: string; blob?: string };
}

interface Review {
  id: string;
  /** The 202's sendEventPostUri: `…/raiseEvent/{eventName}?…`. */
  sendEventPostUri: string;
  /** Where an approved thumbnail is published. */
  published: string;
}

/** POST /api/reviews for samples/<blob>: the instance id and its sendEventPostUri. */
async function startReview(app: LabApp, blob: string): Promise<Review> {
  const path = `/api/reviews?container=samples&blob=${encodeURIComponent(blob)}&width=${WIDTH}`;
  const res = await app.fetch(path, { method: 'POST' });
  expect(res.status, `POST ${path} should answer 202`).toBe(202);
  const body = (await res.json()) as { id?: unknown; sendEventPostUri?: unknown };
  expect(body.id, `POST ${path}: the 202 body should carry the instance ID in "id"`).toBeTypeOf('string');
  expect(body.sendEventPostUri, `POST ${path}: the 202 body's "sendEventPostUri"`).toMatch(/\{eventName\}/);
  return {
    id: body.id as string,
    sendEventPostUri: body.sendEventPostUri as string,
    published: `samples/${blob}-w${WIDTH}.webp`,
  };
}

/** POST sendEventPostUri with {eventName} replaced: what a reviewer (or the dashboard's Raise event) does. */
async function raise(app: LabApp, review: Review, payload: unknown, name = EVENT): Promise<number> {
  const uri = new URL(review.sendEventPostUri.replace('{eventName}', encodeURIComponent(name)));
  const res = await app.fetch(`${uri.pathname}${uri.search}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(payload),
  });
  await res.arrayBuffer();
  return res.status;
}

function progressOf(status: OrchestrationStatus): ReviewProgress {
  return (status.customStatus ?? {}) as ReviewProgress;
}

function resultOf(status: OrchestrationStatus): ReviewResult {
  return (typeof status.output === 'object' && status.output !== null ? status.output : {}) as ReviewResult;
}

/** Waits until the review shows its thumbnail and waits for a decision. */
async function awaitingApproval(app: LabApp, review: Review): Promise<OrchestrationStatus> {
  const status = await app.waitForStatus(review.id, (s) => progressOf(s).phase === 'awaiting-approval' || hasEnded(s), {
    what: 'make the thumbnail and wait for an approval',
  });
  expect(status.runtimeStatus, `the review ${review.id}, before anyone decided (${outputSummary(status)})`).toBe(
    'Running',
  );
  return status;
}

/** The review has decided (phase "done"), or ended some other way. */
const decidedOrEnded = (status: OrchestrationStatus): boolean =>
  progressOf(status).phase === 'done' || hasEnded(status);

/** How long afterEvent waits for the status before it asks whether the app has anything left to do. */
const IDLE_ASK_AFTER_MS = 500;

/** Why an approval under its exact name changed nothing. */
const NOBODY_WAITS =
  "An event reaches only an orchestrator that waits for its exact name: context.df.waitForExternalEvent(APPROVAL_EVENT), 'approval'.";

/**
 * Waits, after an event was raised, until the review's status satisfies `until`. Once the app has
 * nothing left to do (no episode or activity running or queued; a timer not yet due does not
 * count) and it still does not, the event changed nothing and never will: fails at once, saying
 * `why`, instead of after the wait's 20 s (the walkthrough waited 41 s for a review that waited
 * for 'Approval').
 */
async function afterEvent(
  app: LabApp,
  review: Review,
  until: (status: OrchestrationStatus) => boolean,
  what: string,
  why: string,
): Promise<OrchestrationStatus> {
  const reached = app.waitForStatus(review.id, until, { what });
  // Left to run out if the check fails first; its rejection then says nothing new.
  reached.catch(() => undefined);
  // Asked only when the status is not there within half a second, as it is on a working app:
  // asking wakes every poll of the engine, CPU that a verdict after a save pays (0.1–0.2 s).
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<void>((resolve) => (timer = setTimeout(resolve, IDLE_ASK_AFTER_MS)))
    .then(() => app.whenIdle())
    .then(
      () => true,
      () => false,
    );
  reached.then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );
  const first = await Promise.race([reached.then((status) => ({ status })), idle.then((ok) => ({ idle: ok }))]);
  if ('status' in first) return first.status;
  if (!first.idle) return reached;
  const status = await app.status(review.id);
  if (status && until(status)) return status;
  return expect.fail(
    `the review ${review.id} did not ${what}: once the app had nothing left to do, it was ` +
      `${status?.runtimeStatus ?? 'unknown'}, custom status ${JSON.stringify(status?.customStatus ?? null)}. ${why}`,
  );
}

/**
 * Waits until the review has decided; a timer left pending (step 4) keeps it Running: the clock
 * then moves on to it.
 */
async function decided(app: LabApp, review: Review, what: string): Promise<OrchestrationStatus> {
  const status = await afterEvent(app, review, decidedOrEnded, what, NOBODY_WAITS);
  if (status.runtimeStatus === 'Running') await app.clock.advance(DEADLINE);
  return app.waitForCompletion(review.id);
}

/** The due times of the TimerCreated rows in the review's history. */
async function timers(app: LabApp, id: string): Promise<string[]> {
  return (await app.history(id))
    .filter((row) => row['EventType'] === 'TimerCreated')
    .map((row) => new Date(row['FireAt'] as string | Date).toISOString());
}

async function isPublished(app: LabApp, review: Review): Promise<boolean> {
  return app.blobs.getContainerClient('published').getBlobClient(review.published).exists();
}

// The virtual clock stands still until the check moves it: a day passes when the check says so.
describe('with a virtual clock that the check moves', { concurrent: true }, () => {
  let app: LabApp;

  beforeAll(async () => {
    app = await startLabApp({ clock: 'virtual', seed: true });
  });
  afterAll(async () => {
    await app?.stop();
  });

  check(
    "a review waits for the event 'approval', and an approval raised through sendEventPostUri publishes the thumbnail",
    {
      hint:
        "Wait with context.df.waitForExternalEvent(APPROVAL_EVENT): the event's name is " +
        "compared exactly, so 'Approval' is another event, which nobody waits for.",
      guide: `${GUIDE}#step-2-raise-the-event`,
    },
    async () => {
      const review = await startReview(app, 'photo.jpg');
      const waiting = await awaitingApproval(app, review);
      expect(progressOf(waiting).event, 'the custom status names the event the review waits for').toBe(EVENT);
      // A rejection under another name first: nobody waits for 'Approval', so it changes nothing.
      expect(await raise(app, review, { approved: false, reviewer: 'mallory' }, 'Approval')).toBe(202);
      const tookApproval = (ended: OrchestrationStatus | undefined) => {
        const result = ended ? resultOf(ended) : {};
        if (result.outcome === 'rejected' && result.reviewer === 'mallory') {
          expect.fail(
            "the review took the event 'Approval' (capital A) for its 'approval': it should wait for " +
              'exactly APPROVAL_EVENT.',
          );
        }
      };
      const status = await raise(app, review, { approved: true, reviewer: 'ada' });
      // 410: the review has ended already, maybe on the 'Approval' it should not have taken.
      if (status === 410) tookApproval(await app.status(review.id));
      expect(status, `POST sendEventPostUri with {eventName} → ${EVENT} should answer 202`).toBe(202);
      const done = await decided(app, review, 'publish the thumbnail once approved');
      expect(done.runtimeStatus, `the review's runtimeStatus (${outputSummary(done)})`).toBe('Completed');
      tookApproval(done);
      const result = resultOf(done);
      expect(result, "the review's output").toMatchObject({ outcome: 'published', reviewer: 'ada' });
      expect(await isPublished(app, review), `published/${review.published} should exist`).toBe(true);
    },
  );

  check(
    'a review nobody answers gives up exactly 24 hours after it started, and publishes nothing',
    {
      hint:
        'Nothing stops a review that only waits for the event. Race it against a durable timer ' +
        'due at the deadline: const winner = yield context.df.Task.any([event, deadline]).',
      guide: `${GUIDE}#step-3-a-deadline-taskany-and-a-durable-timer`,
    },
    async () => {
      const start = await app.clock.now();
      const review = await startReview(app, 'badge.png');
      await awaitingApproval(app, review);
      const due = await timers(app, review.id);
      if (due.length === 0) {
        expect.fail(
          `the review waits for its approval with no durable timer (no TimerCreated row in its ` +
            `history): if nobody answers, it waits for ever. ` +
            `Race the event against context.df.createTimer(deadlineAt), due ${DEADLINE / HOUR} hours after the start.`,
        );
      }
      const deadlineAt = new Date(start.getTime() + DEADLINE).toISOString();
      expect(due, `the durable timer is due at the deadline, ${deadlineAt} (24 h after the start)`).toContain(
        deadlineAt,
      );
      await app.clock.advance(DEADLINE);
      const status = await app.waitForCompletion(review.id, { timeoutMs: 10_000 });
      expect(status.runtimeStatus, `the review 24 hours later (${outputSummary(status)})`).toBe('Completed');
      const result = resultOf(status);
      expect({ outcome: result.outcome, endedAt: result.endedAt }, "the review's output").toEqual({
        outcome: 'expired',
        endedAt: deadlineAt,
      });
      expect(await isPublished(app, review), `published/${review.published} should not exist`).toBe(false);
    },
  );

  check(
    'an approval that comes after the deadline changes nothing: sendEventPostUri answers 410 Gone ' +
      'and nothing is published',
    {
      hint:
        'Once the deadline timer has won Task.any, return: the instance is Completed, and the ' +
        'host refuses events for it with 410 Gone.',
      guide: `${GUIDE}#step-3-a-deadline-taskany-and-a-durable-timer`,
    },
    async () => {
      const review = await startReview(app, 'small.webp');
      await awaitingApproval(app, review);
      const hasDeadline = (await timers(app, review.id)).length > 0;
      await app.clock.advance(DEADLINE + HOUR);
      if (hasDeadline) {
        const expired = await app.waitForCompletion(review.id, { timeoutMs: 10_000 });
        expect(resultOf(expired).outcome, `the review 25 hours later (${outputSummary(expired)})`).toBe('expired');
      }
      const late = await raise(app, review, { approved: true, reviewer: 'ada' });
      if (late !== 410) {
        const status = await app.waitForStatus(review.id, decidedOrEnded, {
          what: 'take the late approval',
        });
        if (await isPublished(app, review)) {
          expect.fail(
            `an approval raised 25 hours after the review started (its deadline: 24 hours) ` +
              `published the thumbnail (${outputSummary(status)}): ` +
              'nothing gave up at the deadline. Race the event against a durable timer with Task.any.',
          );
        }
      }
      expect(late, 'POST sendEventPostUri 25 hours after the start: the instance has ended').toBe(410);
      expect(await isPublished(app, review), `published/${review.published} should not exist`).toBe(false);
    },
  );
});

// Under the virtual clock the deadline never comes unless a check moves the clock, so an approval
// raised right after the start always arrives in time, however slow the machine.
describe('with a virtual clock, an approval raised at once', { concurrent: true }, () => {
  let app: LabApp;

  beforeAll(async () => {
    app = await startLabApp({ clock: 'virtual', seed: true });
  });
  afterAll(async () => {
    await app?.stop();
  });

  check(
    'an approval raised at once, while the thumbnail is still being made, is kept until the review waits for it',
    {
      hint:
        'An event nobody waits for yet is not lost: it waits in the history for the first ' +
        'waitForExternalEvent of its name. Wait for APPROVAL_EVENT, and nothing else.',
      guide: `${GUIDE}#step-2-raise-the-event`,
    },
    async () => {
      const review = await startReview(app, 'photo.jpg');
      expect(await raise(app, review, { approved: true, reviewer: 'ada' }), 'POST sendEventPostUri at once').toBe(202);
      // Done, or ended some other way; whether it is Completed at once is the next check's lesson.
      const status = await afterEvent(
        app,
        review,
        decidedOrEnded,
        'take the approval raised at once, and publish',
        NOBODY_WAITS,
      );
      expect(['Running', 'Completed'], `the review's runtimeStatus (${outputSummary(status)})`).toContain(
        status.runtimeStatus,
      );
      expect(await isPublished(app, review), `published/${review.published} should exist`).toBe(true);
      if (status.runtimeStatus === 'Completed') {
        expect(resultOf(status), "the review's output").toMatchObject({ outcome: 'published', reviewer: 'ada' });
      }
    },
  );

  check(
    'an approved review is Completed as soon as the thumbnail is published: its deadline timer is cancelled',
    {
      hint:
        'When Task.any resumes with the event, the timer is still pending, and an orchestration ' +
        'is not Completed while a timer is pending. Call deadline.cancel() as soon as the event has won.',
      guide: `${GUIDE}#step-4-cancel-the-timer-that-lost`,
    },
    async () => {
      const review = await startReview(app, 'rotated.jpg');
      expect(await raise(app, review, { approved: true, reviewer: 'ada' }), 'POST sendEventPostUri at once').toBe(202);
      // The episode that publishes also writes phase "done" and the runtime status, in one row:
      // with the timer cancelled it is Completed; with it pending, still Running, and the clock
      // stands still, so it would stay Running until someone moved it a day on.
      const status = await afterEvent(app, review, decidedOrEnded, 'publish the approved thumbnail', NOBODY_WAITS);
      if (status.runtimeStatus === 'Running') {
        expect.fail(
          'the thumbnail was published (custom status phase "done"), but the review is still ' +
            'Running: its 24-hour deadline timer is pending, because nobody cancelled it, ' +
            'and the review would be Completed only when it fires, a day later. Call ' +
            'deadline.cancel() when the event wins.',
        );
      }
      expect(status.runtimeStatus, `the review's runtimeStatus (${outputSummary(status)})`).toBe('Completed');
      expect(resultOf(status).outcome, "the review's outcome").toBe('published');
      // Completed at once proves nothing about a timer that was never set (the walkthrough: this
      // passed on the starter).
      if ((await timers(app, review.id)).length === 0) {
        expect.fail(
          'the review was Completed, but it never set its deadline (no TimerCreated row in its ' +
            'history), so there was no timer to cancel yet. Race the event against ' +
            'context.df.createTimer(deadlineAt), then cancel the timer that lost.',
        );
      }
    },
  );
});

describe('with a virtual clock, events nobody should trust', { concurrent: true }, () => {
  let app: LabApp;

  beforeAll(async () => {
    app = await startLabApp({ clock: 'virtual', seed: true });
  });
  afterAll(async () => {
    await app?.stop();
  });

  check(
    'an approval of the wrong shape ({"approved":"yes"}, null, "approve") neither fails the review ' +
      'nor publishes it: the review waits on',
    {
      hint:
        "The event's payload is whatever the sender sent. Check it with " +
        'checkApproval(event.result): when it is not valid, count it in ignored and wait again, ' +
        'until the same deadline.',
      guide: `${GUIDE}#step-5-check-the-payload`,
    },
    async () => {
      const review = await startReview(app, 'photo.jpg');
      await awaitingApproval(app, review);
      const wrong: unknown[] = [{ approved: 'yes', reviewer: 'ada' }, null, 'approve'];
      for (const [index, payload] of wrong.entries()) {
        expect(await raise(app, review, payload), `POST sendEventPostUri with ${JSON.stringify(payload)}`).toBe(202);
        const status = await afterEvent(
          app,
          review,
          (s) => (progressOf(s).ignored ?? 0) > index || progressOf(s).phase !== 'awaiting-approval' || hasEnded(s),
          `take the event ${JSON.stringify(payload)}`,
          'An approval of the wrong shape is counted in "ignored" of the custom status, and the review waits on: ' +
            'check it with checkApproval(event.result).',
        );
        const what = `the payload ${JSON.stringify(payload)}`;
        if (status.runtimeStatus === 'Failed') {
          expect.fail(
            `${what} failed the review: ${outputSummary(status)}. An event's payload is whatever ` +
              `the sender sent: check it with checkApproval before you read it.`,
          );
        }
        if (progressOf(status).phase !== 'awaiting-approval' || (await isPublished(app, review))) {
          expect.fail(
            `${what} was taken for a decision: the review is ${status.runtimeStatus}, phase ` +
              `${progressOf(status).phase}` +
              `${(await isPublished(app, review)) ? ', and the thumbnail is published' : ''}. Only ` +
              `{"approved": true or false, "reviewer": "…"} decides; check it with checkApproval.`,
          );
        }
        expect(progressOf(status).ignored, `${what}: the custom status counts it in "ignored"`).toBe(index + 1);
      }
      expect(await raise(app, review, { approved: true, reviewer: 'ada' }), 'then a real approval').toBe(202);
      const done = await decided(app, review, 'publish the thumbnail once approved');
      expect(resultOf(done), "the review's output").toMatchObject({
        outcome: 'published',
        reviewer: 'ada',
        ignored: 3,
      });
    },
  );

  check(
    'approving twice publishes once: the second approval changes nothing',
    {
      hint:
        'Take one decision and stop waiting: the events that come after it find nobody waiting ' +
        'for them (or the instance Completed: 410 Gone).',
      guide: `${GUIDE}#step-6-one-decision-approving-twice`,
    },
    async () => {
      const review = await startReview(app, 'rotated.jpg');
      await awaitingApproval(app, review);
      expect(await raise(app, review, { approved: true, reviewer: 'ada' }), 'the first approval').toBe(202);
      expect(await raise(app, review, { approved: true, reviewer: 'grace' }), 'the second, right after').toBe(202);
      const done = await decided(app, review, 'publish the thumbnail once approved');
      expect(resultOf(done), "the review's output: the first approval's").toMatchObject({
        outcome: 'published',
        reviewer: 'ada',
      });
      const publishes = (await app.history(review.id)).filter(
        (row) => row['EventType'] === 'TaskScheduled' && row['Name'] === 'publishThumbnail',
      ).length;
      expect(publishes, 'publishThumbnail calls in the history').toBe(1);
      expect(
        await raise(app, review, { approved: true, reviewer: 'grace' }),
        'a third approval, once the review is Completed',
      ).toBe(410);
      expect(resultOf((await app.status(review.id))!), 'the output, after the third approval').toEqual(resultOf(done));
    },
  );

  check(
    'POST /api/reviews answers 400 with a JSON message for a missing blob name, a bad width or a ' +
      'thumbnails container, and 404 for a blob that does not exist',
    {
      hint:
        'Validate like upload-watches: nonBlank(queryParam(…)), parseWidth, checkReviewRequest; ' +
        '400 { error } for each; then findBlob: 404 when it is null.',
      guide: `${GUIDE}#goal`,
    },
    async () => {
      for (const [query, expected] of [
        ['container=samples', 400],
        ['container=samples&blob=photo.jpg&width=abc', 400],
        ['container=thumbnails&blob=photo.jpg', 400],
        ['container=published&blob=photo.jpg', 400],
        ['container=samples&blob=missing.jpg', 404],
      ] as const) {
        const res = await app.fetch(`/api/reviews?${query}`, { method: 'POST' });
        expect(res.status, `POST /api/reviews?${query}`).toBe(expected);
        const body = (await res.json()) as { error?: unknown };
        expect(body.error, `POST /api/reviews?${query}: the JSON body's "error"`).toBeTypeOf('string');
      }
    },
  );
});
