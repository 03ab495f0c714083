// The client's view of a task hub without a host running its app: what `npm run dashboard`
// uses to act on any task hub (Azurite, or a storage account) when the learner asks it to.
// Messages go to the control queues in DTFx's layout, so whichever host runs that hub's app
// (this one, `func start`, Azure) handles them.

import type { ClientEngine } from './client.ts';
import { RealClock, type Clock } from './clock.ts';
import type { HistoryEvent, OrchestrationInstanceRef } from './history.ts';
import { TaskHubTelemetry } from './telemetry.ts';
import { controlMessage, type TaskHubStorage } from './task-hub-storage.ts';

export function detachedEngine(storage: TaskHubStorage, clock: Clock = new RealClock()): ClientEngine {
  let sequence = 0;
  const telemetry = new TaskHubTelemetry();
  return {
    storage,
    clock,
    telemetry,
    busy: (work) => work(),
    // Without the app, every name may be an orchestrator: the host that runs the hub decides.
    orchestratorExists: () => true,
    async sendToInstance(
      target: OrchestrationInstanceRef,
      event: HistoryEvent,
      sender?: OrchestrationInstanceRef,
      delayMs = 0,
    ) {
      await storage.send(
        storage.controlQueueFor(target.InstanceId),
        controlMessage(target, event, sequence++, sender),
        delayMs,
      );
      telemetry.changed(target.InstanceId);
    },
    forgetHistory: () => undefined,
  };
}
