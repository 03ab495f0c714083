import { dirname, join, relative, resolve } from 'node:path';
import { appFiles, readText } from './app-files.ts';

/** What a deployed Functions app may import: the platform's packages, Node's built-ins, its own files. */
const ALLOWED_PACKAGES = new Set(['@azure/functions', 'durable-functions', '@azure/storage-blob', 'sharp']);

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Lists imports in an app's sources that would not work once the app is deployed on its own. */
export function findForeignImports(appDir: string): string[] {
  const problems: string[] = [];
  const manifest = JSON.parse(readText(appDir, 'package.json') ?? '{}') as { dependencies?: Record<string, string> };
  const declared = new Set(Object.keys(manifest.dependencies ?? {}));
  for (const file of appFiles(appDir).filter((f) => /\.[cm]?[jt]s$/.test(f))) {
    const text = readText(appDir, file) ?? '';
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1]!;
      if (specifier.startsWith('node:')) continue;
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(join(appDir, file)), specifier);
        if (relative(appDir, target).startsWith('..'))
          problems.push(`${file} imports ${specifier}, outside the app folder`);
        continue;
      }
      const name = packageName(specifier);
      if (!ALLOWED_PACKAGES.has(name)) problems.push(`${file} imports ${specifier}`);
      else if (!declared.has(name))
        problems.push(`${file} imports ${name}, which package.json does not list in "dependencies"`);
    }
  }
  return problems;
}
