// The docs site (`npm run docs`) in a real browser, page by page, as a learner reads it at
// 1280 and 800 px: nothing scrolls the page sideways or runs under the right-hand column, no
// character is drawn as an empty box, every picture loads, and nothing is fetched from
// anywhere but the site's own files. The pictures (docs/guide/images/*.svg) are opened on their
// own too: their words are text, with a title, in colours that read.
//
// The site is the one in WORKSHOP_DOCS_SITE when set (npm test builds docs/site just before),
// else a fresh build into a temporary folder.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../../shared/dashboard/browser-test/find-browser.ts';
import { repoDir } from '../../shared/dashboard/browser-test/page-helpers.ts';

const WIDTHS = [1280, 800];

let browser: Browser;
let site: string;
let builtHere: string | undefined;

beforeAll(async () => {
  const launching = launchBrowser();
  site = process.env.WORKSHOP_DOCS_SITE ?? '';
  if (!site) {
    builtHere = mkdtempSync(join(tmpdir(), 'docs-site-'));
    const typedoc = spawnSync(
      process.execPath,
      [repoDir('node_modules/typedoc/bin/typedoc'), '--out', builtHere, '--logLevel', 'Warn'],
      { cwd: repoDir(''), encoding: 'utf8' },
    );
    if (typedoc.status !== 0) throw new Error(`npm run docs failed:\n${typedoc.stdout}${typedoc.stderr}`);
    site = builtHere;
  }
  browser = await launching;
});
afterAll(async () => {
  await browser?.close();
  if (builtHere) rmSync(builtHere, { recursive: true, force: true });
});

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'assets' ? [] : htmlFiles(path);
    return entry.name.endsWith('.html') ? [path] : [];
  });
}

/** A page context that records every request for anything but the site's own files. */
async function offlineContext(width: number, requests: string[]): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  // Recorded, not intercepted: routing every request through Playwright makes each page 3× slower.
  context.on('request', (request) => {
    if (!/^(file|data|blob|about):/.test(request.url())) requests.push(request.url());
  });
  return context;
}

// What one page shows: each piece of its text with the font it is drawn in, how far it
// scrolls sideways, text past the main column's right edge, and pictures that did not load.
// The toolbar and the navigation are the same on every page: their text is read once.
const LOOK_AT_PAGE = `((everything, readFonts) => {
  const problems = [];
  const se = document.scrollingElement;
  if (se.scrollWidth > se.clientWidth) problems.push('scrolls sideways by ' + (se.scrollWidth - se.clientWidth) + ' px');
  const column = document.querySelector('.col-content');
  const columnRight = column ? column.getBoundingClientRect().right : Infinity;
  // A line inside a box that scrolls on its own (a code block, a wide table) is fine as long as that box fits.
  const clippedBy = (el) => {
    for (let a = el; a && a !== column; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return a;
    }
    return null;
  };
  const fonts = new Map();
  const walker = document.createTreeWalker(everything || !column ? document.body : column, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !node.data.trim()) continue;
    if (readFonts) {
      const style = getComputedStyle(el);
      const font = style.fontStyle + ' ' + style.fontWeight + ' 32px ' + style.fontFamily;
      const chars = fonts.get(font) || new Set();
      for (const ch of node.data) if (!/\\s/.test(ch)) chars.add(ch);
      fonts.set(font, chars);
    }
    if (column && column.contains(el)) {
      range.selectNodeContents(node);
      const right = Math.max(...[...range.getClientRects()].map((r) => r.right));
      if (right > columnRight + 1) {
        const box = clippedBy(el);
        if (!box || box.getBoundingClientRect().right > columnRight + 1) {
          problems.push('runs past the main column (' + Math.round(right - columnRight) + ' px): "' + node.data.trim().slice(0, 60) + '"');
        }
      }
    }
  }
  for (const img of document.images) {
    if (!img.complete || img.naturalWidth === 0) problems.push('picture not loaded: ' + img.getAttribute('src'));
    if (!img.hasAttribute('alt')) problems.push('picture without alt text: ' + img.getAttribute('src'));
  }
  return { problems, fonts: [...fonts].map(([font, chars]) => [font, [...chars]]) };
})`;

// Which of these characters the browser draws as the box it draws for a character no font has
// (U+10FFFD, a private-use code point): the same pixels as that box, in the same font.
const MISSING_GLYPHS = `((pairs) => {
  const canvas = document.createElement('canvas');
  canvas.width = 56;
  canvas.height = 48;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const draw = (font, ch) => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.font = font;
    ctx.fillText(ch, 4, 36);
    return ctx.getImageData(0, 0, canvas.width, canvas.height).data.join(',');
  };
  const boxes = new Map();
  return pairs.filter(([font, ch]) => {
    if (!boxes.has(font)) boxes.set(font, draw(font, '\\u{10FFFD}'));
    return draw(font, ch) === boxes.get(font);
  });
})`;

/** Characters already drawn and found fine, by font: most pages share most of them. */
const drawnFine = new Set<string>();

async function missingGlyphs(page: Page, fonts: [string, string[]][]): Promise<string[]> {
  const pairs = fonts
    .flatMap(([font, chars]) => chars.map((ch) => [font, ch]))
    .filter((p) => !drawnFine.has(p.join('\0')));
  if (pairs.length === 0) return [];
  const missing = (await page.evaluate(`${MISSING_GLYPHS}(${JSON.stringify(pairs)})`)) as [string, string][];
  const missed = new Set(missing.map((p) => p.join('\0')));
  for (const pair of pairs) if (!missed.has(pair.join('\0'))) drawnFine.add(pair.join('\0'));
  return missing.map(
    ([font, ch]) => `"${ch}" (U+${ch.codePointAt(0)!.toString(16).toUpperCase()}) is an empty box in ${font}`,
  );
}

describe('the docs site in a real browser', () => {
  it(
    `every page at ${WIDTHS.join(' and ')} px: nothing scrolls sideways or is a missing glyph; every picture loads; nothing leaves the site`,
    { timeout: 240_000 },
    async () => {
      const requests: string[] = [];
      const context = await offlineContext(WIDTHS[0]!, requests);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      const problems: string[] = [];
      const files = htmlFiles(site);
      expect(files.length).toBeGreaterThan(20);
      for (const [index, file] of files.entries()) {
        // One load per page, looked at in each width: the page lays itself out again as a window
        // does when resized. A page loads at the width the last one ended at, and is resized
        // once: a resize costs the renderer about what a load does.
        const widths = index % 2 === 0 ? WIDTHS : [...WIDTHS].reverse();
        await page.goto(pathToFileURL(file).href);
        for (const [i, width] of widths.entries()) {
          if (i > 0) await page.setViewportSize({ width, height: 900 });
          // The fonts are read at the first width only: the site's styles choose none by width.
          const seen = (await page.evaluate(`${LOOK_AT_PAGE}(${index === 0}, ${i === 0})`)) as {
            problems: string[];
            fonts: [string, string[]][];
          };
          const glyphs = await missingGlyphs(page, seen.fonts);
          for (const problem of [...seen.problems, ...glyphs])
            problems.push(`${relative(site, file)} at ${width} px: ${problem}`);
        }
        for (const error of errors.splice(0)) problems.push(`${relative(site, file)}: ${error}`);
      }
      await context.close();
      expect(problems).toEqual([]);
      expect(requests, 'requests that would leave the site').toEqual([]);
    },
  );
});

// The pictures the guides draw: docs/guide/images/*.svg, opened as a page of their own.
const LOOK_AT_SVG = `(() => {
  const problems = [];
  const svg = document.documentElement;
  const title = svg.querySelector(':scope > title');
  if (!title || !title.textContent.trim()) problems.push('no <title> as its first child');
  if (svg.getAttribute('role') !== 'img') problems.push('no role="img"');
  const texts = [...svg.querySelectorAll('text')];
  if (texts.length === 0) problems.push('no <text>: words must stay text');
  const luminance = (color) => {
    const [r, g, b] = color.match(/[\\d.]+/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const shapes = [...svg.querySelectorAll('rect, circle, ellipse, polygon, path')].filter(
    (s) => getComputedStyle(s).fill !== 'none' && !s.closest('defs, marker'),
  );
  const fonts = new Map();
  for (const text of texts) {
    const style = getComputedStyle(text);
    if (!/sans-serif/.test(style.fontFamily)) problems.push('text not in a sans-serif font: "' + text.textContent + '"');
    const font = style.fontStyle + ' ' + style.fontWeight + ' 32px ' + style.fontFamily;
    const chars = fonts.get(font) || new Set();
    for (const ch of text.textContent) if (!/\\s/.test(ch)) chars.add(ch);
    fonts.set(font, chars);
    // The colour behind the text: the last filled shape drawn under its middle, else white.
    const box = text.getBoundingClientRect();
    const [x, y] = [box.left + box.width / 2, box.top + box.height / 2];
    const under = shapes.filter((s) => {
      if (s.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_PRECEDING) return false;
      const r = s.getBoundingClientRect();
      return r.left <= x && x <= r.right && r.top <= y && y <= r.bottom;
    });
    const background = under.length ? getComputedStyle(under[under.length - 1]).fill : 'rgb(255, 255, 255)';
    const ratio = contrast(style.fill, background);
    if (ratio < 4.5) problems.push('"' + text.textContent + '" has a contrast of ' + ratio.toFixed(1) + ':1 (at least 4.5:1)');
  }
  return { problems, fonts: [...fonts].map(([font, chars]) => [font, [...chars]]) };
})()`;

describe('the guides’ pictures', () => {
  const images = repoDir('docs/guide/images');
  const svgs = readdirSync(images).filter((f) => f.endsWith('.svg'));

  it('there are pictures to look at', () => {
    expect(svgs.length).toBeGreaterThanOrEqual(5);
  });

  it('each has a title and text that is text, readable and drawn with fonts the machine has', async () => {
    const requests: string[] = [];
    const context = await offlineContext(1280, requests);
    const page = await context.newPage();
    const problems: string[] = [];
    for (const svg of svgs) {
      await page.goto(pathToFileURL(join(images, svg)).href);
      const seen = (await page.evaluate(LOOK_AT_SVG)) as { problems: string[]; fonts: [string, string[]][] };
      // A canvas to draw on: an SVG document has no HTML elements of its own.
      await page.goto('about:blank');
      const glyphs = await missingGlyphs(page, seen.fonts);
      for (const problem of [...seen.problems, ...glyphs]) problems.push(`${svg}: ${problem}`);
    }
    await context.close();
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });
});
