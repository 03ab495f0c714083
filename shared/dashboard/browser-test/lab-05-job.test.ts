// A lab 05 job, watched in the dashboard as a learner would: it appears in the list and reaches
// Completed without a reload; its timeline has one bar per activity, queue wait and run split;
// the replay view steps through every episode, replayed and new events told apart. Nothing the
// page loads comes from anywhere but the host, the page fits 1280 and 800 px, and Tab reaches
// every control.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startLabApp, type LabApp } from '@workshop/testkit';
import { launchBrowser } from './find-browser.ts';
import { openPage, repoDir, sidewaysOverflow, tabThrough, type WatchedPage } from './page-helpers.ts';

let app: LabApp;
let browser: Browser;
let watched: WatchedPage;
let instanceId: string;

beforeAll(async () => {
  [app, browser] = await Promise.all([
    startLabApp({ dir: repoDir('solutions/05-first-orchestration'), seed: true }),
    launchBrowser(),
  ]);
  watched = await openPage(browser, `${app.url}/dashboard/`);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('the dashboard on a lab 05 job', () => {
  it('shows a job appear in the list and reach Completed without a reload', async () => {
    const { page } = watched;
    await page.getByRole('heading', { name: 'Orchestration instances' }).waitFor();
    const response = await app.fetch('/api/thumbnail-jobs?container=samples&width=200', { method: 'POST' });
    expect(response.status).toBe(202);
    instanceId = ((await response.json()) as { id: string }).id;
    await page.locator(`tr[data-instance="${instanceId}"] .status-completed`).waitFor({ timeout: 20_000 });
    expect(watched.loads()).toBe(1);
    expect(await page.locator('.chip[data-status="Completed"]').textContent()).toBe('Completed 1');
  });

  it('keeps a dated time in its History column at 800 px (the walkthrough saw it drawn over Details)', async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
    try {
      // The browser a day ahead: every time of the job is another day's, written with its date.
      await page.clock.setFixedTime(Date.now() + 24 * 3600_000);
      await page.goto(`${app.url}/dashboard/#/instances/${instanceId}/history`);
      const cells = page.locator('table.history tbody td:nth-child(4)');
      await cells.first().waitFor();
      expect(await cells.first().innerText()).toMatch(/^\d{4}-\d\d-\d\d\s+\d\d:\d\d:\d\d\.\d{3}$/);
      const overflowing = await cells.evaluateAll((tds) =>
        tds
          .filter((td) => td.querySelector('time')!.getBoundingClientRect().right > td.getBoundingClientRect().right)
          .map((td) => td.textContent),
      );
      expect(overflowing).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('keeps the timeline readable at 800 px: the picture scrolls in its box, the page does not (the walkthrough read 8 px labels)', async () => {
    const { page, errors } = await openPage(browser, `${app.url}/dashboard/#/instances/${instanceId}/timeline`, 800);
    try {
      const picture = page.locator('#panel-timeline svg.timeline');
      await picture.waitFor();
      // Polled: a live update may redraw the panel under the first read.
      await expect.poll(() => picture.evaluate((svg) => svg.getBoundingClientRect().width)).toBeGreaterThanOrEqual(880);
      expect(await sidewaysOverflow(page)).toBe(0);
      expect(await page.locator('svg.timeline text.label').first().textContent()).toMatch(
        /^orchestrator \(\d+ episodes?\)$/,
      );
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('draws one timeline bar per activity, each split into queue wait and run', async () => {
    const { page } = watched;
    await page.locator(`tr[data-instance="${instanceId}"] a`).click();
    await page.getByRole('link', { name: 'Timeline' }).click();
    const bars = page.locator('svg.timeline g.bar-activity');
    await bars.first().waitFor();
    const history = await app.history(instanceId);
    const scheduled = history.filter((row) => row.EventType === 'TaskScheduled').length;
    expect(scheduled).toBe(9); // listImages, 7 × makeThumbnail, writeManifest
    expect(await bars.count()).toBe(scheduled);
    expect(await page.locator('svg.timeline g.bar-activity rect.wait').count()).toBe(scheduled);
    expect(await page.locator('svg.timeline g.bar-activity rect.run').count()).toBe(scheduled);
    expect(await page.locator('svg.timeline g.bar-activity.outcome-failed').count()).toBe(3); // the three bad samples
  });

  it('steps through every episode in the replay view, replayed and new events told apart', async () => {
    const { page } = watched;
    await page.getByRole('link', { name: 'Replay' }).click();
    // It opens at the first episode, as replay itself goes.
    const history = await app.history(instanceId);
    const episodes = history.filter((row) => row.EventType === 'OrchestratorStarted').length;
    expect(episodes).toBe(10);
    for (let step = 1; step <= episodes; step++) {
      await expect.poll(() => page.locator('#replay-position').textContent()).toBe(`Episode ${step} of ${episodes}`);
      const replayed = await page.locator('ol.rows li[data-role="replayed"]').count();
      const fresh = await page.locator('ol.rows li[data-role="new"]').count();
      // Episode 1 has nothing to replay; every later one replays all the rows before it.
      if (step === 1) expect(replayed).toBe(0);
      else expect(replayed).toBeGreaterThan(0);
      expect(fresh, `episode ${step} was woken by something`).toBeGreaterThan(0);
      if (replayed > 0) {
        // Told apart on screen, not only in the markup.
        const colours = await page.evaluate(
          `['replayed', 'new'].map((role) => getComputedStyle(document.querySelector('ol.rows li[data-role="' + role + '"]')).backgroundColor)`,
        );
        expect(new Set(colours as string[]).size).toBe(2);
      }
      // Half the steps with the arrow key (the first one too, straight after opening the tab), half with Next.
      if (step < episodes)
        await (step % 2 === 1 ? page.keyboard.press('ArrowRight') : page.locator('#replay-next').click());
    }
    expect(await page.locator('#replay-next').isDisabled()).toBe(true);
    await page.keyboard.press('ArrowLeft');
    await expect
      .poll(() => page.locator('#replay-position').textContent())
      .toBe(`Episode ${episodes - 1} of ${episodes}`);
  });

  it('never scrolls sideways at 1280 or 800 px, on the list and on every view of the instance', async () => {
    const { page } = watched;
    for (const width of [1280, 800]) {
      await page.setViewportSize({ width, height: 900 });
      for (const view of [
        '#/',
        ...['history', 'timeline', 'sequence', 'replay'].map((tab) => `#/instances/${instanceId}/${tab}`),
      ]) {
        await page.evaluate(`location.hash = ${JSON.stringify(view)}`);
        await page
          .locator(view === '#/' ? 'table.instances tbody tr' : '.tabs a.on')
          .first()
          .waitFor();
        expect(await sidewaysOverflow(page), `${view} at ${width} px`).toBe(0);
      }
    }
  });

  it('lets the keyboard reach every control of the list', async () => {
    const { page } = watched;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.evaluate(`location.hash = '#/'`);
    await page.locator('table.instances tbody tr[data-instance]').first().waitFor();
    await page.locator('details.start summary').click(); // open the start form: its fields count too
    const { controls, reached } = await tabThrough(page, 60);
    expect(controls.length).toBeGreaterThan(10);
    expect(controls.filter((control) => !reached.includes(control))).toEqual([]);
  });

  it('starts a job from its form, with the input of the last one filled in', async () => {
    const { page } = watched;
    // The start form is open (the test before opened it).
    await page.locator('#start-fill').click();
    await expect.poll(() => page.locator('#start-input').inputValue()).toContain('"container": "samples"');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const shown = () => decodeURIComponent(/#\/instances\/([^/]+)/.exec(page.url())?.[1] ?? '');
    await expect.poll(shown, { timeout: 10_000 }).not.toBe('');
    const started = shown();
    expect(started).not.toBe(instanceId);
    expect((await app.waitForCompletion(started)).runtimeStatus).toBe('Completed');
    await page.locator('h1 .status-completed').waitFor();
  });

  it('lets the keyboard reach every control of the instance page', async () => {
    const { page } = watched;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.evaluate(`location.hash = ${JSON.stringify(`#/instances/${instanceId}/replay`)}`);
    await page.locator('#replay-position').waitFor();
    const { controls, reached } = await tabThrough(page, 80);
    const missed = controls.filter((control) => !reached.includes(control));
    expect(missed).toEqual([]);
  });

  it('asked only its own host for anything, and logged no error', () => {
    const origin = new URL(app.url).origin;
    expect(watched.requests.length).toBeGreaterThan(5);
    expect(watched.requests.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    expect(watched.errors).toEqual([]);
  });

  it('keeps working when the host restarts (a save does that): live again, and its buttons act without a reload', async () => {
    const { page } = watched;
    await page.evaluate(`location.hash = ${JSON.stringify(`#/instances/${instanceId}/history`)}`);
    await page.locator('#panel-history').waitFor();
    await app.restartHost();
    await page.locator('#restart').click();
    // Restart starts the job again under a new id, and the page follows it there.
    const shown = () => decodeURIComponent(/#\/instances\/([^/]+)/.exec(page.url())?.[1] ?? '');
    await expect.poll(shown, { timeout: 10_000 }).not.toBe(instanceId);
    const restarted = shown();
    await page.locator('h1 .status-completed').waitFor({ timeout: 20_000 });
    expect((await app.waitForCompletion(restarted)).runtimeStatus).toBe('Completed');
    expect(watched.loads()).toBe(1);
  });
  it('says at the top why a job failed, in one line, before its folded output (the walkthrough)', async () => {
    const started = await app.fetch('/runtime/webhooks/durabletask/orchestrators/thumbnailOrchestrator', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ container: 'nosuchcontainer', width: 200 }),
    });
    expect(started.status).toBe(202);
    const failedId = ((await started.json()) as { id: string }).id;
    expect((await app.waitForCompletion(failedId)).runtimeStatus).toBe('Failed');
    const { page, errors } = await openPage(browser, `${app.url}/dashboard/#/instances/${failedId}/history`);
    try {
      const why = page.locator('#failure');
      await why.waitFor();
      expect(await why.innerText()).toMatch(/^Why it failed: .*listImages.*nosuchcontainer.*does not exist/);
      expect(await why.innerText()).not.toContain('\n');
      // It ended, failed: not "Completed".
      expect(await page.locator('dl.facts dt').allInnerTexts()).toContain('Ended (UTC)');
      // Its failed activity's row counts the reason and its details, as npm run history adds them up.
      expect(await page.locator('tr.event-TaskFailed summary').first().textContent()).toMatch(
        /^Reason .*\+ Details \d+ B$/s,
      );
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
  it("refuses to fill in a last input larger than the page holds, saying so (the walkthrough's 4.8 MB input came back as broken JSON)", async () => {
    const large = { container: 'samples', width: 200, note: 'x'.repeat(300 * 1024) };
    const started = await app.fetch('/runtime/webhooks/durabletask/orchestrators/thumbnailOrchestrator', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(large),
    });
    expect(started.status).toBe(202);
    await app.waitForCompletion(((await started.json()) as { id: string }).id);
    const { page, errors } = await openPage(browser, `${app.url}/dashboard/`);
    try {
      await page.getByText('Start a new orchestration').click();
      await page.locator('#start-name').selectOption('thumbnailOrchestrator');
      await page.locator('#start-fill').click();
      await page.locator('.toast.error').filter({ hasText: 'more than this page holds' }).waitFor();
      expect(await page.locator('#start-input').inputValue()).toBe('');
      // Started with no input at all, the orchestrator gets null: asked first, and nothing started when declined.
      const before = (await app.fetch('/runtime/webhooks/durabletask/instances').then((r) => r.json())) as unknown[];
      const asked = new Promise<string>((resolve) =>
        page.once('dialog', (dialog) => {
          resolve(dialog.message());
          void dialog.dismiss();
        }),
      );
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      expect(await asked).toBe('Start thumbnailOrchestrator with no input (null)?');
      const after = (await app.fetch('/runtime/webhooks/durabletask/instances').then((r) => r.json())) as unknown[];
      expect(after).toHaveLength(before.length);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
