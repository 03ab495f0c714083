// The issue's case: lab 06's middle state (3 of 7 done, the next batch in flight) could not be
// seen at all; the job finished before a poll caught it. The dashboard's timeline shows the
// batches after the fact: 3, 3 and 1 makeThumbnail calls, each batch scheduled together in one
// episode, the next only once the last of the one before has answered.

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabApp, type LabApp } from '@workshop/testkit';
import type { InstanceDetail } from '../src/wire.ts';

let app: LabApp;
beforeAll(async () => {
  app = await startLabApp({
    dir: fileURLToPath(new URL('../../../solutions/06-fan-out-fan-in', import.meta.url)),
    seed: true,
  });
});
afterAll(async () => {
  await app?.stop();
});

describe('lab 06 in the dashboard', () => {
  it('shows the batches of a job with batchSize=3 on its timeline: 3, 3 and 1, one after another', async () => {
    const response = await app.fetch('/api/thumbnail-jobs?container=samples&width=200&batchSize=3', { method: 'POST' });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    expect((await app.waitForCompletion(id)).runtimeStatus).toBe('Completed');
    const detail = (await (await app.fetch(`/dashboard/api/instances/${id}`)).json()) as InstanceDetail;
    const thumbnails = detail.timeline.filter(
      (bar) => bar.kind === 'activity' && bar.label.startsWith('makeThumbnail'),
    );
    // A batch is scheduled in one episode: its bars start together.
    const batches = new Map<string, typeof thumbnails>();
    for (const bar of thumbnails) batches.set(bar.start, [...(batches.get(bar.start) ?? []), bar]);
    const sizes = [...batches.values()].map((batch) => batch.length);
    expect(sizes).toEqual([3, 3, 1]);
    // Each batch starts only once every bar of the one before has ended; each bar was picked up, then ran.
    const ordered = [...batches.values()];
    for (let i = 1; i < ordered.length; i++) {
      const lastEnd = Math.max(...ordered[i - 1]!.map((bar) => Date.parse(bar.end!)));
      expect(Date.parse(ordered[i]![0]!.start)).toBeGreaterThanOrEqual(lastEnd);
    }
    for (const bar of thumbnails) expect(Date.parse(bar.pickedUp!)).toBeGreaterThanOrEqual(Date.parse(bar.start));
  });
});
