// `npm start -- NN` suggests the first request of the lab guide's "Run it" table (found by the
// newcomer walkthrough of issue #14: it suggested `curl …/api/hello` for every lab, which a
// finished lab 01 answers 400 and which starts no job in lab 05).

import { describe, expect, it } from 'vitest';
import { readManifest } from '../lib/manifest.ts';
import { tryItCommand } from '../lib/try-it.ts';

describe('the request npm start suggests', () => {
  it.each(readManifest().map((lab) => [lab.id, lab]))(
    'lab %s: the first of its guide\'s "Run it", at the host\'s port',
    (_id, lab) => {
      const command = tryItCommand(lab, 'http://127.0.0.1:7099');
      expect(command).toMatch(/^curl .*"http:\/\/127\.0\.0\.1:7099\/(api|runtime)\//);
      expect(command).not.toContain('7071');
    },
  );

  it("is lab 05's job start, not a hello", () => {
    const lab = readManifest().find((l) => l.id === '05')!;
    expect(tryItCommand(lab, 'http://127.0.0.1:7071')).toBe(
      'curl -i -X POST "http://127.0.0.1:7071/api/thumbnail-jobs?container=samples&width=200"',
    );
  });
});
