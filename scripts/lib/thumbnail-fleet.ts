import { join } from 'node:path';
import type { BlobServiceClient } from '@azure/storage-blob';
import { DEFAULT_BATCH_SIZE } from '../../solutions/06-fan-out-fan-in/src/lib/thumbnail-job.ts';
import { gradientJpeg } from './gradient-image.ts';
import { repoRoot } from './manifest.ts';

// Many thumbnail jobs of the lab 06 solution at once, for `npm run load` and `npm run faults`:
// their images, their start, and a watcher that follows their status through the management
// API. The host that runs them is in fleet-host.ts; what they must have achieved, in
// fleet-verdict.ts.

export const LAB06_APP = join(repoRoot, 'solutions', '06-fan-out-fan-in');

/** The activities of a thumbnail job, as the host names them in `Executing 'Functions.X'`. */
export const ACTIVITIES = ['listImages', 'makeThumbnail', 'writeManifest'] as const;

/** Small images keep the work per activity short: the figures are the engine's, not sharp's. */
const IMAGE_WIDTH = 64;
const IMAGE_HEIGHT = 48;
export const THUMBNAIL_WIDTH = 32;

const STATUS_ROUTE = '/runtime/webhooks/durabletask/instances';
/** The runtime statuses an instance ends with. */
export const TERMINAL = new Set(['Completed', 'Failed', 'Terminated', 'Canceled']);

/** One job: a container of its own, with its own images. */
export interface JobSpec {
  readonly container: string;
  readonly images: readonly string[];
}

export interface StartedJob extends JobSpec {
  readonly id: string;
}

/** The job's status as the management API answers it. */
export interface JobStatus {
  readonly instanceId: string;
  readonly runtimeStatus: string;
  readonly output: unknown;
  readonly customStatus?: unknown;
}

/** Runs `work` on every item, `limit` at a time, in order of the items. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** `jobs` containers named `<prefix>-0001`…, each with `imagesPerJob` images. */
export function jobSpecs(prefix: string, jobs: number, imagesPerJob: number): JobSpec[] {
  return Array.from({ length: jobs }, (_, j) => ({
    container: `${prefix}-${String(j + 1).padStart(4, '0')}`,
    images: Array.from({ length: imagesPerJob }, (_, i) => `photo-${i + 1}.jpg`),
  }));
}

/** Uploads every job's images; each image is distinct (a gradient of its own). */
export async function seedImages(blobs: BlobServiceClient, specs: readonly JobSpec[]): Promise<void> {
  await mapLimit(specs, 8, async (spec, j) => {
    const container = blobs.getContainerClient(spec.container);
    await container.createIfNotExists();
    await Promise.all(
      spec.images.map(async (name, i) => {
        const bytes = await gradientJpeg(j * spec.images.length + i, IMAGE_WIDTH, IMAGE_HEIGHT);
        await container
          .getBlockBlobClient(name)
          .uploadData(bytes, { blobHTTPHeaders: { blobContentType: 'image/jpeg' } });
      }),
    );
  });
}

/**
 * POST /api/thumbnail-jobs for every spec, `concurrency` requests at a time; each must answer 202.
 * With `orchestrator`, each job starts that orchestrator instead, through the management API,
 * with the input the client function would give lab 06's (the default batch size).
 */
export async function startJobs(
  hostUrl: string,
  specs: readonly JobSpec[],
  concurrency = specs.length,
  orchestrator?: string,
): Promise<StartedJob[]> {
  return mapLimit(specs, Math.max(1, concurrency), async (spec) => {
    if (orchestrator !== undefined) {
      const route = `/runtime/webhooks/durabletask/orchestrators/${orchestrator}`;
      const res = await fetch(`${hostUrl}${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ container: spec.container, width: THUMBNAIL_WIDTH, batchSize: DEFAULT_BATCH_SIZE }),
      });
      if (res.status !== 202)
        throw new Error(`POST ${route} for ${spec.container} answered ${res.status}: ${await res.text()}`);
      const { id } = (await res.json()) as { id: string };
      return { ...spec, id };
    }
    const res = await fetch(`${hostUrl}/api/thumbnail-jobs?container=${spec.container}&width=${THUMBNAIL_WIDTH}`, {
      method: 'POST',
    });
    if (res.status !== 202)
      throw new Error(
        `POST /api/thumbnail-jobs?container=${spec.container} answered ${res.status}: ${await res.text()}`,
      );
    const { id } = (await res.json()) as { id: string };
    return { ...spec, id };
  });
}

/** One instance's status through the public webhook; undefined when the host does not know it (404). */
export async function jobStatus(hostUrl: string, id: string): Promise<JobStatus | undefined> {
  const res = await fetch(`${hostUrl}${STATUS_ROUTE}/${encodeURIComponent(id)}`);
  if (res.status === 404) return undefined;
  if (res.status !== 200 && res.status !== 202)
    throw new Error(`GET ${STATUS_ROUTE}/${id} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as JobStatus;
}

/** Every instance of the task hub, page by page (`x-ms-continuation-token`). */
async function listStatuses(hostUrl: string): Promise<JobStatus[]> {
  const all: JobStatus[] = [];
  let continuation: string | null = null;
  do {
    const res: Response = await fetch(`${hostUrl}${STATUS_ROUTE}?top=500`, {
      headers: continuation ? { 'x-ms-continuation-token': continuation } : {},
    });
    if (res.status !== 200) throw new Error(`GET ${STATUS_ROUTE} answered ${res.status}`);
    all.push(...((await res.json()) as JobStatus[]));
    continuation = res.headers.get('x-ms-continuation-token');
  } while (continuation);
  return all;
}

/** The thumbnails a job's custom status says are made (lab 06's JobProgress: `done` of `total`). */
function thumbnailsDone(status: JobStatus): number {
  const progress = status.customStatus as { done?: unknown } | null | undefined;
  return typeof progress?.done === 'number' ? progress.done : 0;
}

/**
 * Follows a set of jobs through the list API until each has ended, and how far they have got:
 * the thumbnails their custom statuses count. A host that is down (killed, restarting) only
 * delays the answers: the next round asks again.
 */
export class JobWatcher {
  readonly #hostUrl: string;
  readonly #ids: ReadonlySet<string>;
  readonly #images: number;
  readonly #ended = new Map<string, string>();
  readonly #done = new Map<string, number>();
  #stopped = false;
  #finishedAt: number | undefined;
  readonly #waiters = new Set<{ ready: () => boolean; resolve: () => void }>();

  constructor(hostUrl: string, jobs: readonly StartedJob[], intervalMs = 100) {
    this.#hostUrl = hostUrl;
    this.#ids = new Set(jobs.map((job) => job.id));
    this.#images = jobs.reduce((sum, job) => sum + job.images.length, 0);
    void this.#poll(intervalMs);
  }

  /** How many of the jobs have ended (any final status). */
  get ended(): number {
    return this.#ended.size;
  }

  /** The share of all the jobs' thumbnails that their orchestrations have recorded, 0 to 1. */
  get progress(): number {
    const done = [...this.#done.values()].reduce((a, b) => a + b, 0);
    return this.#images === 0 ? 1 : done / this.#images;
  }

  /** When the last job was seen ended (performance.now()), if it was. */
  get finishedAt(): number | undefined {
    return this.#finishedAt;
  }

  /** Resolves once every job has ended, or after `timeoutMs` if given (check `finishedAt`). */
  whenAllEnded(timeoutMs?: number): Promise<void> {
    return this.#when(() => this.#finishedAt !== undefined, timeoutMs);
  }

  /** Resolves once `progress` has reached `share`, or every job has ended. */
  whenProgress(share: number): Promise<void> {
    return this.#when(() => this.progress >= share || this.#finishedAt !== undefined);
  }

  stop(): void {
    this.#stopped = true;
  }

  #when(ready: () => boolean, timeoutMs?: number): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = {
        ready,
        resolve: () => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve();
        },
      };
      const timer = timeoutMs === undefined ? undefined : setTimeout(waiter.resolve, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  async #poll(intervalMs: number): Promise<void> {
    while (!this.#stopped && this.#finishedAt === undefined) {
      try {
        for (const status of await listStatuses(this.#hostUrl)) {
          if (!this.#ids.has(status.instanceId)) continue;
          this.#done.set(status.instanceId, thumbnailsDone(status));
          if (TERMINAL.has(status.runtimeStatus)) this.#ended.set(status.instanceId, status.runtimeStatus);
        }
        if (this.#ended.size === this.#ids.size) this.#finishedAt = performance.now();
        for (const waiter of [...this.#waiters]) if (waiter.ready()) waiter.resolve();
      } catch {
        // The host is down or restarting: ask again next round.
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
