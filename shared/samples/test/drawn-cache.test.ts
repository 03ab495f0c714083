// The sample images are drawn once per drawing code and sharp version, then read from disk
// (issue #14): what a later process reads must be exactly what it would have drawn.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const samples = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'workshop-samples-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The samples and the poster as a fresh process gets them: name and base64 of each. */
function drawnInAFreshProcess(cache: string): Record<string, string> {
  const script = `const { sampleImages, posterImage } = await import(${JSON.stringify(samples)});
const images = [...(await sampleImages()), await posterImage()];
console.log(JSON.stringify(Object.fromEntries(images.map((i) => [i.name, i.bytes.toString('base64')]))));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, WORKSHOP_SAMPLES_CACHE: cache },
  });
  return JSON.parse(out) as Record<string, string>;
}

describe('the drawn sample images, kept on disk', () => {
  it('are what drawing them gives, read by the next process instead of drawn again', () => {
    const drawn = drawnInAFreshProcess('off');
    expect(Object.keys(drawn)).toContain('photo.jpg');
    expect(drawnInAFreshProcess(folder), 'the first process with the cache').toEqual(drawn);
    expect(drawnInAFreshProcess(folder), 'the next one').toEqual(drawn);

    // An entry changed by hand shows up: the next process read the file and drew nothing.
    const file = join(
      folder,
      readdirSync(folder).find((name) => name.startsWith('samples-'))!,
    );
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Array<{ name: string; bytes: string }>;
    stored.find((image) => image.name === 'notes.jpg')!.bytes = Buffer.from('changed').toString('base64');
    writeFileSync(file, JSON.stringify(stored));
    expect(drawnInAFreshProcess(folder)['notes.jpg']).toBe(Buffer.from('changed').toString('base64'));
  });
});
