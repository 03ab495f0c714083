import type { BlobServiceClient } from '@azure/storage-blob';
import { taskHubName } from '../../shared/testkit/src/durable.ts';
import { eventTypeOf, readHistoryRows } from '../../shared/testkit/src/history-rows.ts';
import {
  manifestName,
  type JobSummary,
  type Manifest,
} from '../../solutions/06-fan-out-fan-in/src/lib/thumbnail-job.ts';
import { THUMBNAIL_CONTAINER, thumbnailName } from '../../solutions/06-fan-out-fan-in/src/lib/thumbnail.ts';
import { jobStatus, LAB06_APP, mapLimit, THUMBNAIL_WIDTH, type StartedJob } from './thumbnail-fleet.ts';

// What the lab 06 solution promises for every job it accepted, checked after the fact: the
// instance completed, its manifest lists each image's thumbnail once, each thumbnail blob is
// there under its deterministic name and nothing else is, and the History table records each
// activity scheduled once and answered once — however often it really ran.

export interface FleetVerdict {
  completed: number;
  /** Ended, but not Completed (Failed, Terminated): "id: status". */
  failed: string[];
  /** Unknown to the host, or still running when the run ended: "id: status". */
  lost: string[];
  /** Broken output promises: a manifest or thumbnail missing, listed twice, or left over. */
  outputProblems: string[];
  /** TaskScheduled rows of the activities: how many executions the engine owed. */
  scheduled: number;
  /** Broken history promises: a task scheduled twice, answered twice or never. */
  historyProblems: string[];
}

export async function judgeFleet(
  hostUrl: string,
  blobs: BlobServiceClient,
  connectionString: string,
  jobs: readonly StartedJob[],
): Promise<FleetVerdict> {
  const verdict: FleetVerdict = {
    completed: 0,
    failed: [],
    lost: [],
    outputProblems: [],
    scheduled: 0,
    historyProblems: [],
  };
  const statuses = await mapLimit(jobs, 16, (job) => jobStatus(hostUrl, job.id));
  const hub = taskHubName(LAB06_APP);
  const histories = await mapLimit(jobs, 16, async (job) =>
    historyCounts(await readHistoryRows(connectionString, hub, job.id)),
  );
  jobs.forEach((job, i) => {
    const status = statuses[i];
    const history = histories[i]!;
    verdict.scheduled += history.scheduled;
    // A job that did not complete is reported as failed or lost; its outputs and history would only repeat it.
    if (status?.runtimeStatus === 'Completed')
      verdict.historyProblems.push(...history.problems.map((problem) => `${job.id}: ${problem}`));
    if (status === undefined) verdict.lost.push(`${job.id}: unknown to the host`);
    else if (status.runtimeStatus === 'Completed') verdict.completed++;
    else if (['Pending', 'Running', 'Suspended'].includes(status.runtimeStatus)) {
      // The crash window DTFx leaves open: the last checkpoint wrote the History table, not the Instances table.
      const why = history.ended
        ? ', although its history has ended (the host died between the History and Instances writes of its last checkpoint)'
        : '';
      verdict.lost.push(`${job.id}: still ${status.runtimeStatus}${why}`);
    } else verdict.failed.push(`${job.id}: ${status.runtimeStatus} ${JSON.stringify(status.output)}`);
    const summary = status?.output as JobSummary | undefined;
    if (status?.runtimeStatus === 'Completed' && (summary?.thumbnails !== job.images.length || summary.failed !== 0)) {
      verdict.outputProblems.push(
        `${job.id}: the summary says ${summary?.thumbnails} thumbnail(s), ${summary?.failed} failed, for ${job.images.length} images`,
      );
    }
  });

  // Only a completed job owes its manifest and thumbnails.
  const completed = jobs.filter((_, i) => statuses[i]?.runtimeStatus === 'Completed');
  const thumbnails = blobs.getContainerClient(THUMBNAIL_CONTAINER);
  await mapLimit(completed, 16, async (job) => verdict.outputProblems.push(...(await outputProblems(thumbnails, job))));
  const manifests = await blobNames(thumbnails, 'manifests/');
  const expectedManifests = new Set(jobs.map((job) => manifestName(job.id)));
  for (const name of manifests)
    if (!expectedManifests.has(name))
      verdict.outputProblems.push(`${THUMBNAIL_CONTAINER}/${name}: a manifest no job accounts for`);
  return verdict;
}

async function blobNames(
  container: ReturnType<BlobServiceClient['getContainerClient']>,
  prefix: string,
): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const blob of container.listBlobsFlat({ prefix })) names.push(blob.name);
  } catch (error) {
    // No container yet: no job got as far as writing a thumbnail.
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  return names;
}

/** One job's manifest and thumbnails against its images. */
async function outputProblems(
  thumbnails: ReturnType<BlobServiceClient['getContainerClient']>,
  job: StartedJob,
): Promise<string[]> {
  const problems: string[] = [];
  const expected = new Set(job.images.map((image) => thumbnailName(job.container, image, THUMBNAIL_WIDTH)));

  const manifestBlob = thumbnails.getBlobClient(manifestName(job.id));
  if (!(await manifestBlob.exists()))
    problems.push(`${job.id}: no manifest ${THUMBNAIL_CONTAINER}/${manifestName(job.id)}`);
  else {
    const manifest = JSON.parse((await manifestBlob.downloadToBuffer()).toString('utf8')) as Manifest;
    const listed = manifest.thumbnails.map((t) => t.blob);
    const twice = listed.filter((blob, i) => listed.indexOf(blob) !== i);
    if (twice.length > 0) problems.push(`${job.id}: the manifest lists ${twice.join(', ')} more than once`);
    const missing = [...expected].filter((blob) => !listed.includes(blob));
    if (missing.length > 0) problems.push(`${job.id}: the manifest does not list ${missing.join(', ')}`);
    const foreign = listed.filter((blob) => !expected.has(blob));
    if (foreign.length > 0)
      problems.push(`${job.id}: the manifest lists ${foreign.join(', ')}, which no image of ${job.container} gives`);
    if (manifest.failed.length > 0)
      problems.push(`${job.id}: the manifest lists failures: ${JSON.stringify(manifest.failed)}`);
  }

  // Blob names are unique within a container, so "exactly once" means: each expected name is
  // there, and the job left nothing under another name.
  const stored = await blobNames(thumbnails, `${job.container}/`);
  const absent = [...expected].filter((blob) => !stored.includes(blob));
  if (absent.length > 0) problems.push(`${job.id}: no thumbnail blob ${absent.join(', ')}`);
  const extra = stored.filter((blob) => !expected.has(blob));
  if (extra.length > 0) problems.push(`${job.id}: thumbnail blobs under other names: ${extra.join(', ')}`);
  return problems;
}

/** One instance's History rows: every activity scheduled once, answered once, the execution completed once. */
export function historyCounts(rows: ReadonlyArray<Record<string, unknown>>): {
  scheduled: number;
  ended: boolean;
  problems: string[];
} {
  const problems: string[] = [];
  const scheduled = new Map<number, number>();
  const answers = new Map<number, number>();
  let completions = 0;
  for (const row of rows) {
    const type = eventTypeOf(row['EventType']);
    if (type === 'TaskScheduled')
      scheduled.set(Number(row['EventId']), (scheduled.get(Number(row['EventId'])) ?? 0) + 1);
    else if (type === 'TaskCompleted' || type === 'TaskFailed')
      answers.set(Number(row['TaskScheduledId']), (answers.get(Number(row['TaskScheduledId'])) ?? 0) + 1);
    else if (type === 'ExecutionCompleted') completions++;
  }
  for (const [id, count] of scheduled) {
    if (count > 1) problems.push(`task #${id} is scheduled ${count} times in the history`);
    const answered = answers.get(id) ?? 0;
    if (answered !== 1) problems.push(`task #${id} is answered ${answered} times in the history`);
  }
  for (const id of answers.keys())
    if (!scheduled.has(id)) problems.push(`task #${id} is answered but was never scheduled`);
  if (completions !== 1) problems.push(`${completions} ExecutionCompleted rows`);
  return { scheduled: [...scheduled.values()].reduce((a, b) => a + b, 0), ended: completions > 0, problems };
}

/** Every promise the verdict finds broken, one line each. */
export function brokenPromises(verdict: FleetVerdict): string[] {
  return [
    ...verdict.failed.map((failed) => `failed: ${failed}`),
    ...verdict.lost.map((lost) => `lost: ${lost}`),
    ...verdict.outputProblems,
    ...verdict.historyProblems,
  ];
}
