// When to poll each of the task hub's queues, as DTFx's dispatchers poll them: each queue on its
// own, again at once while it hands out full batches, and less and less often while it is empty
// (10 ms doubling up to the longest pause; DTFx's BackoffPollingHelper goes from 50 ms up to
// MaxQueuePollingInterval, 30 s, which locally would be waiting for nothing). A message this
// process sends wakes only the queue it went to, as TaskHubQueue.AddMessageAsync resets that
// queue's backoff. Polling every queue whenever anything happened cost Azurite 19 empty receives per
// activity (issue #14); other hosts' messages, leases that ran out and delayed messages are still
// found by the backed-off polls, as DTFx finds everything.

const FIRST_PAUSE_MS = 10;

interface QueueState {
  /** The pause after the next empty receive. */
  pauseMs: number;
  /** performance.now() from which the queue is polled again. */
  dueAt: number;
  /** Its last receive found nothing, and nothing was sent to it since. */
  empty: boolean;
  /** How many times it was woken: a receive that began before a wake cannot say it is empty. */
  wakes: number;
}

export class QueuePolls<Queue> {
  readonly #states = new Map<Queue, QueueState>();
  readonly #maxPauseMs: number;

  constructor(queues: readonly Queue[], maxPauseMs: number) {
    this.#maxPauseMs = maxPauseMs;
    for (const queue of queues) this.#states.set(queue, { pauseMs: FIRST_PAUSE_MS, dueAt: 0, empty: false, wakes: 0 });
  }

  /** Something was sent to `queue` (every queue when none is named): poll it at once. */
  wake(queue?: Queue): void {
    for (const [q, state] of this.#states) {
      if (queue !== undefined && q !== queue) continue;
      state.dueAt = 0;
      state.pauseMs = FIRST_PAUSE_MS;
      state.empty = false;
      state.wakes++;
    }
  }

  /**
   * Taken as a receive from `queue` begins, and given back to received(): if the queue was woken
   * meanwhile (a message sent to it while the receive was on its way), "found nothing" is stale.
   */
  ticket(queue: Queue): number {
    return this.#states.get(queue)!.wakes;
  }

  /** The queues to poll now, of those `allowed`. */
  due(now: number, allowed: (queue: Queue) => boolean = () => true): Queue[] {
    return [...this.#states].filter(([q, s]) => s.dueAt <= now && allowed(q)).map(([q]) => q);
  }

  /**
   * A receive's outcome: a full batch is followed at once, a partial one soon, an empty one later
   * each time; an empty one that a wake overtook (its `ticket` is older) is polled again at once.
   */
  received(queue: Queue, found: number, full: boolean, now: number, ticket?: number): void {
    const state = this.#states.get(queue)!;
    if (found === 0 && ticket !== undefined && ticket !== state.wakes) {
      state.dueAt = now;
      return;
    }
    if (found > 0) {
      state.empty = false;
      state.pauseMs = FIRST_PAUSE_MS;
      state.dueAt = full ? now : now + FIRST_PAUSE_MS;
      return;
    }
    state.empty = true;
    state.dueAt = now + state.pauseMs;
    state.pauseMs = Math.min(this.#maxPauseMs, state.pauseMs * 2);
  }

  /** Every queue was found empty, with nothing sent to it since. */
  get allEmpty(): boolean {
    for (const state of this.#states.values()) if (!state.empty) return false;
    return true;
  }

  /** Milliseconds until the next queue of those `allowed` is due (0: one is due now; Infinity: none is allowed). */
  nextIn(now: number, allowed: (queue: Queue) => boolean = () => true): number {
    let next = Infinity;
    for (const [q, s] of this.#states) if (allowed(q)) next = Math.min(next, s.dueAt - now);
    return Math.max(0, next);
  }
}
