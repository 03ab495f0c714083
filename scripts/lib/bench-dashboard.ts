import { join } from 'node:path';
import { startAzurite } from '@workshop/azurite';
import { spawnHost } from '@workshop/host/launcher';
import { findBrowser, launchBrowser } from '../../shared/dashboard/browser-test/find-browser.ts';
import { repoRoot } from './manifest.ts';

// How fast the task hub dashboard shows a big hub: 1,000 instances in the list, one instance of
// 500 history events. Timed through its API, and in a real browser from the address typed to
// the rows on screen, when the machine has one.

export interface DashboardFigure {
  name: string;
  seconds: number;
}

const benchApp = join(repoRoot, 'scripts', 'bench', 'durable-app');

export async function benchDashboard(
  instances = 1000,
  activities = 124,
): Promise<{ figures: DashboardFigure[]; historyEvents: number; browser?: string }> {
  const azurite = await startAzurite();
  const host = await spawnHost({ appDir: benchApp, port: 0, env: { AzureWebJobsStorage: azurite.connectionString } });
  const api = (path: string, init?: RequestInit) => fetch(new URL(path, host.url), init);
  const start = async (scenario: string, count: number) => {
    const res = await api(`/api/bench/${scenario}?count=${count}`, { method: 'POST' });
    if (res.status !== 202) throw new Error(`Starting ${scenario} answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };
  const completed = async () => {
    const page = (await (await api('/dashboard/api/instances?top=1')).json()) as { counts: Record<string, number> };
    return page.counts.Completed ?? 0;
  };
  try {
    // The hub: one long sequence (4 history rows per activity, plus its start and end) and many short ones.
    const big = await start('benchSequence', activities);
    for (let i = 1; i < instances; i += 50)
      await Promise.all(Array.from({ length: Math.min(50, instances - i) }, () => start('benchSequence', 1)));
    for (let waited = 0; (await completed()) < instances; waited++) {
      if (waited > 1200) throw new Error(`Only ${await completed()} of ${instances} instances completed in 2 minutes.`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const timed = async (path: string) => {
      const began = performance.now();
      const res = await api(path);
      const body = (await res.json()) as { history?: unknown[] };
      return { seconds: (performance.now() - began) / 1000, body };
    };
    const list = await timed('/dashboard/api/instances');
    const detail = await timed(`/dashboard/api/instances/${big}`);
    const historyEvents = detail.body.history?.length ?? 0;
    const figures: DashboardFigure[] = [
      { name: `API: list, first page of ${instances}`, seconds: list.seconds },
      { name: `API: one instance of ${historyEvents} events`, seconds: detail.seconds },
    ];

    const found = findBrowser();
    if (!found) return { figures, historyEvents };
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const rendered = async (url: string, selector: string, count: number) => {
        const began = performance.now();
        await page.goto(url);
        await page.waitForFunction(
          ([sel, n]) =>
            (
              globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }
            ).document.querySelectorAll(sel as string).length >= (n as number),
          [selector, count] as const,
          { polling: 10 },
        );
        return (performance.now() - began) / 1000;
      };
      const base = `${host.url}/dashboard/`;
      figures.push({
        name: `browser: list of ${instances}, first page on screen`,
        seconds: await rendered(base, 'table.instances tbody tr[data-instance]', 50),
      });
      for (const [tab, label, selector, count] of [
        ['history', 'history', 'table.history tbody tr', historyEvents],
        ['timeline', 'timeline', 'svg.timeline g.bar-activity', activities],
        // The replay view opens on the first episode (its rows only), as replay itself begins.
        ['replay', 'replay (first episode)', 'ol.rows li', 1],
      ] as const) {
        await page.goto('about:blank');
        figures.push({
          name: `browser: ${historyEvents}-event instance, ${label} on screen`,
          seconds: await rendered(`${base}#/instances/${big}/${tab}`, selector, count),
        });
      }
      return { figures, historyEvents, browser: found.name };
    } finally {
      await browser.close();
    }
  } finally {
    await Promise.allSettled([host.stop(), azurite.stop()]);
  }
}
