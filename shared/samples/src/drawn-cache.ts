// The sample images as drawn, kept on disk (issue #14). Drawing them with sharp costs every
// process that seeds them about 0.1 s of CPU: every check run, every save in watch mode, some
// hundred app starts in npm test. What they are depends only on the code that draws them and
// the sharp that runs it, so the cache is keyed on exactly those: the text of this package's
// drawing modules and sharp's version (with the platform, whose libvips build it uses).

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheFolder, writeWhole } from '@workshop/host/disk-cache';
import type { SampleImage } from './index.ts';

/** Where the cache lives: a folder, or `off`. Default: node_modules/.cache beside this package. */
export const SAMPLES_CACHE_SETTING = 'WORKSHOP_SAMPLES_CACHE';

/** Bumped whenever the cache's file format changes. */
const FORMAT = 1;
const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The modules whose code draws the images. */
const DRAWING_MODULES = ['index.ts', 'hostile-images.ts'];

/** The installed sharp's version, as its package.json says (its exports do not offer that file). */
function sharpVersion(): string {
  for (let dir = HERE; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'node_modules', 'sharp', 'package.json');
    if (fs.existsSync(file))
      return String((JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown }).version);
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

/** Everything that can change the drawn bytes of `name`. */
export function drawnKey(name: string): string {
  const hash = createHash('sha256').update(
    JSON.stringify([FORMAT, name, sharpVersion(), process.platform, process.arch]),
  );
  for (const module of DRAWING_MODULES) hash.update('\0').update(fs.readFileSync(path.join(HERE, module)));
  return hash.digest('hex').slice(0, 32);
}

type Stored = Array<Omit<SampleImage, 'bytes'> & { bytes: string }>;

/** `draw()`'s images, from the cache when they were drawn before with the same code and sharp. */
export async function drawnOnce(
  name: string,
  draw: () => Promise<SampleImage[]>,
  setting = process.env[SAMPLES_CACHE_SETTING],
): Promise<SampleImage[]> {
  const folder = cacheFolder('workshop-samples', setting);
  if (!folder) return draw();
  const file = path.join(folder, `${name}-${drawnKey(name)}.json`);
  try {
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Stored;
    return stored.map((image) => Object.freeze({ ...image, bytes: Buffer.from(image.bytes, 'base64') }));
  } catch {
    // not drawn yet (or unreadable): draw them
  }
  const images = await draw();
  try {
    const stored: Stored = images.map((image) => ({ ...image, bytes: image.bytes.toString('base64') }));
    writeWhole(file, JSON.stringify(stored));
  } catch {
    // a read-only folder: drawing each time is slower, not wrong
  }
  return images;
}
