// `npm run dashboard` on a hub that is not there: the page says so, in words, instead of an
// empty list.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startAzurite, type RunningAzurite } from '@workshop/azurite';
import { startDashboardServer } from '../src/standalone.ts';
import { launchBrowser } from './find-browser.ts';
import { openPage } from './page-helpers.ts';

let azurite: RunningAzurite;
let browser: Browser;
let dashboard: { url: string; close(): Promise<void> };

beforeAll(async () => {
  [azurite, browser] = await Promise.all([startAzurite(), launchBrowser()]);
  dashboard = await startDashboardServer({
    connectionString: azurite.connectionString,
    hubName: 'NotYetAHub',
    port: 0,
  });
});
afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await azurite?.stop();
});

describe('npm run dashboard in the browser', () => {
  it('says the task hub is not there, instead of showing an empty list', async () => {
    const { page, errors } = await openPage(browser, dashboard.url);
    await page.getByRole('heading', { name: 'The dashboard cannot show this' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/no task hub named NotYetAHub/);
    expect(await page.getByRole('button', { name: 'Try again' }).isEnabled()).toBe(true);
    expect(errors.filter((e) => !e.includes('status of 404'))).toEqual([]);
  });
});
