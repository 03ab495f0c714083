// A lab 13 entity on its dashboard page: what a learner who clicks @containerusage@samples in the
// list is told. Entities run in the host like any instance, so the page must not claim that the
// host did not run it; it says what an entity is instead.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startLabApp, type LabApp } from '@workshop/testkit';
import { launchBrowser } from './find-browser.ts';
import { openPage, repoDir, type WatchedPage } from './page-helpers.ts';

const ENTITY = '@containerusage@samples';

let app: LabApp;
let browser: Browser;
let watched: WatchedPage;

beforeAll(async () => {
  [app, browser] = await Promise.all([
    startLabApp({ dir: repoDir('solutions/13-durable-entities'), seed: true }),
    launchBrowser(),
  ]);
  const response = await app.fetch('/api/thumbnail-jobs?container=samples&width=200', { method: 'POST' });
  expect(response.status).toBe(202);
  const { id } = (await response.json()) as { id: string };
  await app.waitForStatus(id, (s) => s.runtimeStatus === 'Completed', { what: 'the job' });
  watched = await openPage(browser, `${app.url}/dashboard/#/instances/${encodeURIComponent(ENTITY)}/history`);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('the dashboard on a lab 13 entity', () => {
  it('says what an entity is, and not that this host did not run it', async () => {
    const { page } = watched;
    await page.locator('#entity-note').waitFor();
    expect(await page.locator('#entity-note').innerText()).toMatch(
      /^A durable entity \(@name@key\)\. It stays Running/,
    );
    expect(await page.getByText('This host did not run this instance').count()).toBe(0);
  });
});
