// `npm run dashboard`: the dashboard on its own, for any task hub in DTFx's Azure Storage layout
// (Azurite, or a storage account the network reaches), with no host and no app. It only reads,
// until a button is pressed: then it sends the message DTFx's client would, for whichever host
// runs that hub's app to handle.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DurableClientOperations, detachedEngine, TaskHubStorage, DEFAULT_MAX_REQUEST_BODY_SIZE } from '@workshop/host';
import { dashboardRoutes } from './routes.ts';

export interface StandaloneOptions {
  connectionString: string;
  hubName: string;
  /** 0 for any free port. */
  port: number;
}

export async function startDashboardServer(
  options: StandaloneOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const storage = new TaskHubStorage(options.connectionString, options.hubName);
  const engine = detachedEngine(storage);
  const dashboard = dashboardRoutes(
    {
      storage,
      client: new DurableClientOperations(engine),
      telemetry: engine.telemetry,
      clock: engine.clock,
      mode: 'task hub',
    },
    { title: `Task hub ${options.hubName}` },
  );
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    if (url.pathname === '/') {
      res.writeHead(302, { location: '/dashboard/' }).end();
      return;
    }
    dashboard
      .handle(req, res, url, { maxRequestBodySize: DEFAULT_MAX_REQUEST_BODY_SIZE })
      .then((answered) => {
        if (!answered)
          res
            .writeHead(404, { 'content-type': 'application/json' })
            .end(JSON.stringify({ message: 'Open /dashboard/.' }));
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/dashboard/`,
    close: () =>
      new Promise((resolve) => {
        dashboard.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
