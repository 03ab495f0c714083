// The dashboard's page and its files, from web/: the page's TypeScript is compiled to JavaScript
// the first time it is asked for (TypeScript's transpileModule, one file at a time, kept in memory
// until the file changes), so nothing is built ahead and nothing comes from another origin.

import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TS from 'typescript';

export const WEB_DIR = fileURLToPath(new URL('../web/', import.meta.url));

/** Content-Security-Policy of every dashboard answer: nothing but this origin, no inline code. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.ts': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const cache = new Map<string, { mtimeMs: number; body: Buffer }>();

export interface Asset {
  type: string;
  body: Buffer;
}

/** The asset at `name` (a path under web/), or undefined for anything else. */
export function readAsset(name: string): Asset | undefined {
  const type = TYPES[extname(name)];
  if (!type || name.includes('\0')) return undefined;
  const file = normalize(join(WEB_DIR, name));
  if (
    !file.startsWith(WEB_DIR) ||
    file
      .slice(WEB_DIR.length)
      .split(sep)
      .some((part) => part.startsWith('.'))
  )
    return undefined;
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) return undefined;
  const cached = cache.get(file);
  if (cached && cached.mtimeMs === stat.mtimeMs) return { type, body: cached.body };
  const source = readFileSync(file, 'utf8');
  const body = Buffer.from(extname(file) === '.ts' ? compile(source, file) : source);
  cache.set(file, { mtimeMs: stat.mtimeMs, body });
  return { type, body };
}

/** The compiler, loaded on the first page view: a host whose dashboard nobody opens never pays its 0.2 s. */
let typescript: typeof TS | undefined;

function compile(source: string, fileName: string): string {
  const ts = (typescript ??= createRequire(import.meta.url)('typescript') as typeof TS);
  return ts.transpileModule(source, {
    fileName,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      // The browser asks for `./list-page.ts` as written; the server answers it with JavaScript.
      rewriteRelativeImportExtensions: false,
      verbatimModuleSyntax: true,
      sourceMap: false,
    },
  }).outputText;
}

/** The page: web/index.html with the token filled in. */
export function page(token: string, title: string): Buffer {
  const html = readFileSync(join(WEB_DIR, 'index.html'), 'utf8');
  return Buffer.from(html.replace('{{token}}', token).replaceAll('{{title}}', escapeHtml(title)));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
