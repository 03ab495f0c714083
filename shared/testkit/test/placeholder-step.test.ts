// A check that fails on a starter's placeholder ("Not implemented yet: … (lab NN, Step K)") points
// at Step K, whatever step the check itself is about; a check that already points there keeps its
// own, more specific hint.

import { expect, it } from 'vitest';
import { placeholderStep } from '../src/check.ts';

const answered = (message: string) =>
  new Error(`GET /api/thumbnails should answer 201 (it answered 501: "${message}")`);

it("points at the step that writes the placeholder, with that step's anchor from the guide", () => {
  const meta = { hint: 'Write makeThumbnail()…', guide: 'labs/04-resize-sharp/README.md#step-4-make-the-thumbnail' };
  expect(
    placeholderStep(meta, answered('Not implemented yet: writeBlob() in src/lib/blob-storage.ts (lab 04, Step 5).')),
  ).toEqual({
    hint: 'writeBlob() in src/lib/blob-storage.ts is still the placeholder that answers "Not implemented yet": Step 5 of the guide writes it.',
    guide: 'labs/04-resize-sharp/README.md#step-5-save-the-thumbnail',
  });
});

it("keeps the check's own words when it already points at that step, or the placeholder is another lab's or the guide has no such step", () => {
  const meta = {
    hint: 'Start it with client.startNew…',
    guide: 'labs/05-first-orchestration/README.md#step-4-start-it-from-http',
  };
  expect(placeholderStep(meta, answered('Not implemented yet: start the orchestration (lab 05, Step 4).'))).toEqual({});
  expect(placeholderStep(meta, answered('Not implemented yet: readBlob() (lab 03, Step 4).'))).toEqual({});
  expect(placeholderStep(meta, answered('Not implemented yet: nothing (lab 05, Step 99).'))).toEqual({});
  expect(placeholderStep(meta, new Error('expected 202, got 500'))).toEqual({});
});
