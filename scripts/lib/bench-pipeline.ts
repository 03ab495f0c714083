import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite } from '@workshop/azurite';
import { spawnHost } from '@workshop/host/launcher';
import { gradientJpeg } from './gradient-image.ts';
import { median } from './median.ts';
import { repoRoot } from './manifest.ts';

// The thumbnail pipeline of labs 05 and 06 on N images, against a plain loop of the same work
// (read the blob, the lab's own makeThumbnail, write the blob) in one process: what
// Durable Functions' checkpoints and queues cost on top of the work itself.
//
// Every run writes thumbnails that do not exist yet (a width of its own: the name has the
// width in it), as the first run did: overwriting costs the lab's writeBlob a refused
// conditional upload per image, which the plain loop never paid. The plain loop and lab 06 run
// in turns, three times each, and each pair's ratio is taken: on a shared machine one run can
// be 30 % off the next. Both sides are warm when measured, as a learner's host is from the
// second job on: one run each first, not counted (the loop's process, and lab 06's host and
// worker, which serve every run). Until 2026-12-07 each lab 06 run had a host of its own, cold,
// against a loop that ran warm from its second run: 0.1–0.2 s of start-up counted as durability.

export interface PipelineFigures {
  images: number;
  /** Medians of the runs. */
  plainLoopSeconds: number;
  lab05Seconds: number;
  lab06Seconds: number;
  /** The median of lab 06 over the plain loop run just before it. */
  lab06OverPlainLoop: number;
  /** Each run's seconds, in the order they ran (in turns). */
  plainLoopRuns: number[];
  lab06Runs: number[];
}

const CONTAINER = 'bench-images';
const WIDTH = 200;
const RUNS = 3;

type Host = Awaited<ReturnType<typeof spawnHost>>;

/** Runs `use` with a host of the app, stopped afterwards. */
async function withHost<T>(appDir: string, connectionString: string, use: (host: Host) => Promise<T>): Promise<T> {
  const host = await spawnHost({ appDir, port: 0, env: { AzureWebJobsStorage: connectionString } });
  try {
    return await use(host);
  } finally {
    await host.stop();
  }
}

/** One thumbnail job on the host, from its POST to the status that says Completed: seconds. */
async function runJob(host: Host, width: number, batchSize: number): Promise<number> {
  const began = performance.now();
  const query = `container=${CONTAINER}&width=${width}${batchSize > 0 ? `&batchSize=${batchSize}` : ''}`;
  const res = await fetch(`${host.url}/api/thumbnail-jobs?${query}`, { method: 'POST' });
  if (res.status !== 202) throw new Error(`${host.url} answered ${res.status}: ${await res.text()}`);
  const { statusQueryGetUri } = (await res.json()) as { statusQueryGetUri: string };
  // Polled every 50 ms: the end is seen within 50 ms, and the polls (a status read each, in
  // the host and in Azurite) load the machine being measured less than every 20 ms did.
  for (;;) {
    const status = (await (await fetch(statusQueryGetUri)).json()) as { runtimeStatus: string; output: unknown };
    if (status.runtimeStatus === 'Completed') break;
    if (['Failed', 'Terminated'].includes(status.runtimeStatus))
      throw new Error(`The job ${status.runtimeStatus}: ${JSON.stringify(status.output)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return (performance.now() - began) / 1000;
}

export async function benchPipeline(images = 100): Promise<PipelineFigures> {
  const azurite = await startAzurite();
  try {
    const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const container = blobs.getContainerClient(CONTAINER);
    await container.createIfNotExists();
    for (let i = 0; i < images; i++) {
      const bytes = await gradientJpeg(i);
      await container
        .getBlockBlobClient(`photo-${String(i).padStart(3, '0')}.jpg`)
        .uploadData(bytes, { blobHTTPHeaders: { blobContentType: 'image/jpeg' } });
    }

    // The plain loop uses the lab's own code, so both sides do exactly the same work.
    process.env.AzureWebJobsStorage = azurite.connectionString;
    const lib = join(repoRoot, 'solutions', '06-fan-out-fan-in', 'src', 'lib');
    const { readBlob, writeBlob } = (await import(
      join(lib, 'blob-storage.ts')
    )) as typeof import('../../solutions/06-fan-out-fan-in/src/lib/blob-storage.ts');
    const { makeThumbnail, thumbnailName } = (await import(
      join(lib, 'thumbnail.ts')
    )) as typeof import('../../solutions/06-fan-out-fan-in/src/lib/thumbnail.ts');
    const plainLoop = async (width: number): Promise<number> => {
      const loopStart = performance.now();
      for (let i = 0; i < images; i++) {
        const name = `photo-${String(i).padStart(3, '0')}.jpg`;
        const { bytes } = await readBlob(CONTAINER, name);
        const thumbnail = await makeThumbnail(bytes, width);
        await writeBlob('thumbnails', thumbnailName(CONTAINER, name, width), thumbnail.bytes, 'image/webp');
      }
      return (performance.now() - loopStart) / 1000;
    };

    const lab05 = join(repoRoot, 'solutions', '05-first-orchestration');
    const lab06 = join(repoRoot, 'solutions', '06-fan-out-fan-in');
    let width = WIDTH;
    const plain: number[] = [];
    const fanOut: number[] = [];
    const ratios: number[] = [];
    await withHost(lab06, azurite.connectionString, async (host) => {
      await plainLoop(width++);
      await runJob(host, width++, 10);
      for (let run = 0; run < RUNS; run++) {
        plain.push(await plainLoop(width++));
        fanOut.push(await runJob(host, width++, 10));
        ratios.push(fanOut.at(-1)! / plain.at(-1)!);
      }
    });
    const lab05Seconds = await withHost(lab05, azurite.connectionString, (host) => runJob(host, width++, 0));
    return {
      images,
      plainLoopSeconds: median(plain),
      lab05Seconds,
      lab06Seconds: median(fanOut),
      lab06OverPlainLoop: median(ratios),
      plainLoopRuns: plain,
      lab06Runs: fanOut,
    };
  } finally {
    await azurite.stop();
  }
}
