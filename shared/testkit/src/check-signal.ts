// The AbortSignal of the check that is running, for the test kit's waits. `npm run lab:NN --
// --watch` stops a run when the learner saves (Vitest's graceful cancel, which aborts the running
// checks' signals); a check waiting up to 20 s for an orchestration would hold the next run back
// all that time. Each check runs in its own async context, so side-by-side checks keep their own.

import { AsyncLocalStorage } from 'node:async_hooks';

const running = new AsyncLocalStorage<AbortSignal>();

/** Runs a check's body with its signal. */
export function withCheckSignal<T>(signal: AbortSignal, body: () => Promise<T>): Promise<T> {
  return running.run(signal, body);
}

/** Throws when the running check was stopped: its wait has nothing left to wait for. */
export function throwIfCheckStopped(): void {
  const signal = running.getStore();
  if (signal?.aborted) throw new Error('The checks were stopped (a save starts them again).', { cause: signal.reason });
}
