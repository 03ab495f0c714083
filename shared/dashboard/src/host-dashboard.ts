// The dashboard as the host serves it beside a lab's app: on the app's own port, reading the
// engine's task hub with the engine's client, telemetry and clock.

import type { ExtraRoutes } from '@workshop/host';
import { dashboardRoutes } from './routes.ts';

/** The host's extra routes for the dashboard; an app without durable functions gets none. */
export const hostDashboard: ExtraRoutes = ({ durable, clock, functions }) => {
  if (!durable) return { handle: async () => false };
  const { engine, client } = durable;
  return dashboardRoutes({
    storage: engine.storage,
    client,
    telemetry: engine.telemetry,
    clock,
    orchestrators: functions.filter((fn) => fn.trigger.toLowerCase() === 'orchestrationtrigger').map((fn) => fn.name),
    wake: () => engine.wake(),
    mode: 'host',
  });
};
