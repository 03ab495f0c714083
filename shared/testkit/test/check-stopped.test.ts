// `--watch` stops a run when the learner saves. A check then waiting for an orchestration (up to
// 20 s) ends its wait at once, instead of holding the next run back until its deadline.

import { expect, it } from 'vitest';
import { withCheckSignal } from '../src/check-signal.ts';
import { DurableInspector } from '../src/durable.ts';

/** An inspector whose instance runs for ever; `polled` resolves at its first status read. */
function runningForEver(): { inspector: DurableInspector; polled: Promise<void> } {
  let firstPoll!: () => void;
  const polled = new Promise<void>((resolve) => (firstPoll = resolve));
  const fetchFromHost = async () => {
    firstPoll();
    return Response.json({ runtimeStatus: 'Running' });
  };
  return { inspector: new DurableInspector(fetchFromHost, 'UseDevelopmentStorage=true', 'TestHub'), polled };
}

it("ends a check's wait for an orchestration once the check is stopped", async () => {
  const { inspector, polled } = runningForEver();
  const stop = new AbortController();
  const waiting = withCheckSignal(stop.signal, () => inspector.waitForCompletion('abc', { timeoutMs: 600_000 }));
  await polled;
  stop.abort();
  await expect(waiting).rejects.toThrow('The checks were stopped (a save starts them again).');
});

it('leaves a wait outside a stopped check to its deadline', async () => {
  const { inspector } = runningForEver();
  const stop = new AbortController();
  stop.abort();
  // Another check's signal, aborted: not this wait's.
  void withCheckSignal(stop.signal, async () => undefined);
  await expect(inspector.waitForCompletion('abc', { timeoutMs: 50 })).rejects.toThrow(/did not finish in time/);
});
