// A lab 11 upload watch on the virtual clock, driven from the dashboard as a learner would: the
// clock bar's "Next timer" fires the watch's durable timer; then the instance's buttons raise an
// event, terminate it and purge it, each seen in the task hub, not only on the page.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startLabApp, type LabApp, type OrchestrationStatus } from '@workshop/testkit';
import { launchBrowser } from './find-browser.ts';
import { openPage, repoDir, type WatchedPage } from './page-helpers.ts';

let app: LabApp;
let browser: Browser;
let watched: WatchedPage;
let instanceId: string;

const checks = (status: OrchestrationStatus) =>
  (status.customStatus as { checks?: number; phase?: string } | null) ?? {};

beforeAll(async () => {
  [app, browser] = await Promise.all([
    startLabApp({ dir: repoDir('solutions/11-time-and-timers'), seed: true, clock: 'virtual' }),
    launchBrowser(),
  ]);
  const response = await app.fetch('/api/upload-watches?container=uploads&blob=cat.jpg&width=200', { method: 'POST' });
  expect(response.status).toBe(202);
  instanceId = ((await response.json()) as { id: string }).id;
  await app.waitForStatus(instanceId, (s) => checks(s).phase === 'waiting' && checks(s).checks === 1, {
    what: 'the first check',
  });
  watched = await openPage(browser, `${app.url}/dashboard/#/instances/${instanceId}/history`);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('the dashboard on a lab 11 watch, clock virtual', () => {
  it('fires the watch’s timer with the clock bar’s Next timer button, and keeps what was typed through the live update', async () => {
    const { page } = watched;
    await page.getByText('Orchestration clock (virtual)').waitFor();
    const next = page.getByRole('button', { name: 'Next timer' });
    await expect.poll(() => next.isEnabled(), { timeout: 10_000 }).toBe(true);
    const before = await app.clock.now();
    // Half-typed, when a live update redraws the page: it must still be there afterwards.
    await page.locator('#event-name').fill('half-typed');
    await next.click();
    const after = await app.waitForStatus(instanceId, (s) => checks(s).checks === 2, { what: 'the second check' });
    expect(checks(after).phase).toBe('waiting');
    // Five minutes later on the orchestration clock, in no time at all.
    expect((await app.clock.now()).getTime() - before.getTime()).toBeGreaterThanOrEqual(5 * 60_000);
    // The page follows by itself: the watch continued as new.
    await page.getByText('continued as new 1 time').waitFor();
    expect(await page.locator('#event-name').inputValue()).toBe('half-typed');
  });

  it("shows a timer in the Timeline's table as a wait until it is due, not as something that ran", async () => {
    const { page, errors } = await openPage(browser, `${app.url}/dashboard/#/instances/${instanceId}/timeline`);
    try {
      const row = page.locator('table.timeline-table tbody tr', { hasText: 'until due' }).first();
      await row.waitFor();
      const cells = await row.locator('td').allInnerTexts();
      expect(cells[2]).toMatch(/^5 min 0 s until due$/);
      expect(cells[3]).toBe('—');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('raises an event from the page, and refuses data that is not JSON with a message', async () => {
    const { page } = watched;
    await page.locator('#event-name').fill('nudge');
    await page.locator('#event-data').fill('not json');
    await page.locator('#raise-event').click();
    const refused = page.locator('.toast.error').filter({ hasText: 'data is not valid JSON' });
    await refused.waitFor();
    // Bottom right, off the history's first columns, and closed by a click (the walkthrough: it sat over a row).
    const box = (await refused.boundingBox())!;
    expect(box.x).toBeGreaterThan(page.viewportSize()!.width / 2);
    await refused.click();
    await page.locator('.toast.visible').waitFor({ state: 'hidden' });
    // No data at all is null to the orchestrator: asked first, and nothing sent when declined (the walkthrough).
    await page.locator('#event-data').fill('');
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => {
        resolve(dialog.message());
        void dialog.dismiss();
      }),
    );
    await page.locator('#raise-event').click();
    expect(await asked).toBe('Raise nudge with no data (null)?');
    await page.locator('#event-data').fill('{"why":"a test"}');
    await page.locator('#raise-event').click();
    await page.locator('tr.event-EventRaised').waitFor({ timeout: 10_000 });
    const history = await app.history(instanceId);
    expect(history.filter((row) => row.EventType === 'EventRaised' && row.Name === 'nudge')).toHaveLength(1);
  });

  it('terminates the instance from the page', async () => {
    const { page } = watched;
    await page.locator('#reason').fill('enough watching');
    // Restart on a running watch would leave two: asked first, and declined here.
    const restartAsked = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => {
        resolve(dialog.message());
        void dialog.dismiss();
      }),
    );
    await page.locator('#restart').click();
    expect(await restartAsked).toMatch(/ is still Running: Restart starts a second .* beside it\. Go on\?$/);
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => {
        resolve(dialog.message());
        void dialog.accept();
      }),
    );
    await page.locator('#terminate').click();
    // Asked first: a terminated instance stays ended (the walkthrough: nothing asked).
    expect(await asked).toMatch(/^Terminate .*\? A terminated instance stays ended/);
    const ended = await app.waitForCompletion(instanceId);
    expect([ended.runtimeStatus, ended.output]).toEqual(['Terminated', 'enough watching']);
    await page.locator('h1 .status-terminated').waitFor();
    // Its output arrived short, so it opens as on a fresh load (the walkthrough's stayed folded).
    await expect.poll(() => page.locator('details[data-key="payload-Output"]').getAttribute('open')).toBe('');
  });

  it('shows the timer the terminated watch still waited for as never fired, not waiting (the walkthrough, lab 12)', async () => {
    const { page, errors } = await openPage(browser, `${app.url}/dashboard/#/instances/${instanceId}/timeline`);
    try {
      const row = page.locator('table.timeline-table tbody tr', { hasText: 'timer' }).last();
      await row.waitFor();
      const cells = await row.locator('td').allInnerTexts();
      expect(cells[2]).toMatch(/^never fired: .* until the end$/);
      // Its due time written as every time on the page: UTC, no ISO "T…Z".
      expect(cells[4]).toMatch(/^cancelled due (\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d\.\d{3}: the instance ended first$/);
      expect(await page.locator('svg.timeline g.bar-timer.outcome-cancelled').count()).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('purges it from the page, after asking', async () => {
    const { page } = watched;
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('#purge').click();
    await page.getByRole('heading', { name: 'Orchestration instances' }).waitFor();
    expect(await app.status(instanceId)).toBeUndefined();
    expect(await app.history(instanceId)).toEqual([]);
    // The one error the page logged: the browser's own line for the 400 that refused 'not json'.
    expect(watched.errors).toEqual([
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
  });
});
