import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

// The dashboard's browser tests drive a Chromium-family browser that is already on the
// machine: the workshop never downloads one (playwright-core, not playwright), so a learner
// without a browser gets a one-line "not run" instead of a 150 MB surprise or a failure.

export interface FoundBrowser {
  /** The executable Playwright launches. */
  path: string;
  /** What to call it in messages, e.g. "Google Chrome". */
  name: string;
}

/** What `npm test` and `npm run test:browser` print when there is no browser to run the tests in. */
export const NO_BROWSER_MESSAGE =
  "The browser tests (the dashboard, the docs site) did not run: no Chromium-family browser found. Install Chromium, Google Chrome or Microsoft Edge, or set CHROME_PATH to a browser's executable.";

/** Where each browser's installer puts it, most common first. */
function wellKnownLocations(): FoundBrowser[] {
  if (process.platform === 'darwin') {
    const apps: [app: string, name: string][] = [
      ['Google Chrome', 'Google Chrome'],
      ['Chromium', 'Chromium'],
      ['Microsoft Edge', 'Microsoft Edge'],
      ['Brave Browser', 'Brave'],
    ];
    // Apps dragged into ~/Applications instead of /Applications count too.
    return ['/Applications', join(homedir(), 'Applications')].flatMap((folder) =>
      apps.map(([app, name]) => ({ path: join(folder, `${app}.app`, 'Contents', 'MacOS', app), name })),
    );
  }
  if (process.platform === 'win32') {
    const roots = [process.env.PROGRAMFILES, process.env['PROGRAMFILES(X86)'], process.env.LOCALAPPDATA].filter(
      (r): r is string => !!r,
    );
    const apps: [file: string, name: string][] = [
      ['Google\\Chrome\\Application\\chrome.exe', 'Google Chrome'],
      ['Microsoft\\Edge\\Application\\msedge.exe', 'Microsoft Edge'],
      ['Chromium\\Application\\chrome.exe', 'Chromium'],
      ['BraveSoftware\\Brave-Browser\\Application\\brave.exe', 'Brave'],
    ];
    // Chrome installs per user under LOCALAPPDATA when the user is not an administrator.
    return apps.flatMap(([file, name]) => roots.map((root) => ({ path: join(root, file), name })));
  }
  return [
    { path: '/usr/bin/chromium', name: 'Chromium' },
    { path: '/usr/bin/google-chrome', name: 'Google Chrome' },
    { path: '/usr/bin/google-chrome-stable', name: 'Google Chrome' },
    { path: '/opt/google/chrome/chrome', name: 'Google Chrome' },
    { path: '/usr/bin/microsoft-edge', name: 'Microsoft Edge' },
    { path: '/usr/bin/microsoft-edge-stable', name: 'Microsoft Edge' },
    { path: '/usr/bin/brave-browser', name: 'Brave' },
    { path: '/usr/bin/brave', name: 'Brave' },
    // Last: on Ubuntu these are the snap, whose private /tmp can hide Playwright's profile folder.
    { path: '/usr/bin/chromium-browser', name: 'Chromium' },
    { path: '/snap/bin/chromium', name: 'Chromium' },
  ];
}

const isFile = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/**
 * The browser to test in: CHROME_PATH when set, else the first well-known location that
 * exists. Throws when CHROME_PATH names no file: someone chose that browser, so quietly
 * testing in another one (or in none) would hide their mistake.
 */
export function findBrowser(): FoundBrowser | undefined {
  const chosen = process.env.CHROME_PATH;
  if (chosen) {
    if (isFile(chosen)) return { path: chosen, name: 'CHROME_PATH' };
    throw new Error(
      `CHROME_PATH is set to "${chosen}", but that is not a file: point it at a Chromium-family browser's executable (on macOS the one inside the .app, in Contents/MacOS), or unset it to use an installed browser.`,
    );
  }
  return wellKnownLocations().find((browser) => isFile(browser.path));
}

/** Launches the browser findBrowser() finds, headless; throws NO_BROWSER_MESSAGE when there is none. */
export async function launchBrowser(): Promise<Browser> {
  const browser = findBrowser();
  if (!browser) throw new Error(NO_BROWSER_MESSAGE);
  return chromium.launch({
    executablePath: browser.path,
    headless: true,
    args: [
      // Containers and CI run as root, where Chromium refuses to start with its sandbox.
      '--no-sandbox',
      // Headless on machines without a GPU (CI, containers): software rendering, no GPU process crashes.
      '--disable-gpu',
      // The rest keep it off the internet: the tests talk to 127.0.0.1 only, and on a closed
      // network (CI, a workshop room) every call home just waits for its timeout.
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // No spare renderer started ahead of each navigation: the docs site's test opened 170
      // pages and Chromium started 160 processes for them; without, 11 (issue #14).
      '--disable-features=SpareRendererForSitePerProcess',
    ],
  });
}
