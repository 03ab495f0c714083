// What every browser test of the dashboard needs: a page that records each request it makes
// (so a test can prove nothing left loopback) and each error it logs (a Content-Security-Policy
// refusal is one), a measure of sideways scrolling, and a walk through the page with Tab.

import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';

export const repoDir = (relative: string): string => fileURLToPath(new URL(`../../../${relative}`, import.meta.url));

export interface WatchedPage {
  page: Page;
  /** Every URL the page asked for (documents, scripts, fetches, event streams). */
  requests: string[];
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Main-frame navigations (a reload counts; a hash change does not). */
  loads(): number;
}

export async function openPage(browser: Browser, url: string, width = 1280): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  let loads = 0;
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('load', () => loads++);
  await page.goto(url);
  return { page, requests, errors, loads: () => loads };
}

/** How far the page scrolls sideways (0: it fits). */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  ) as Promise<number>;
}

/** A short description of every control a keyboard user should reach, and of those Tab reached. */
export async function tabThrough(page: Page, presses: number): Promise<{ controls: string[]; reached: string[] }> {
  const describe = `(el) => {
    const text = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('placeholder') || el.id || el.getAttribute('href') || '').trim().slice(0, 40);
    return el.tagName.toLowerCase() + ':' + text;
  }`;
  const controls =
    await page.evaluate(`[...document.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]), select, textarea, summary')]
      .filter((el) => el.getClientRects().length > 0)
      .map(${describe})`);
  await page.locator('body').focus();
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  const reached = new Set<string>();
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press('Tab');
    const now = (await page.evaluate(
      `document.activeElement && document.activeElement !== document.body ? (${describe})(document.activeElement) : ''`,
    )) as string;
    if (now) reached.add(now);
  }
  return { controls: controls as string[], reached: [...reached] };
}
