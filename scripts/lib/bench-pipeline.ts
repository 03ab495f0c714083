import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite } from '@workshop/azurite';
import { spawnHost } from '@workshop/host/launcher';
import { gradientJpeg } from './gradient-image.ts';
import { repoRoot } from './manifest.ts';

// The thumbnail pipeline of labs 05 and 06 on N images, against a plain loop of the same work
// (read the blob, the lab's own makeThumbnail, write the blob) in one process: what
// Durable Functions' checkpoints and queues cost on top of the work itself.

export interface PipelineFigures {
  images: number;
  plainLoopSeconds: number;
  lab05Seconds: number;
  lab06Seconds: number;
}

const CONTAINER = 'bench-images';
const WIDTH = 200;

async function runJob(appDir: string, connectionString: string, batchSize: number): Promise<number> {
  const host = await spawnHost({ appDir, port: 0, env: { AzureWebJobsStorage: connectionString } });
  try {
    const began = performance.now();
    const query = `container=${CONTAINER}&width=${WIDTH}${batchSize > 0 ? `&batchSize=${batchSize}` : ''}`;
    const res = await fetch(`${host.url}/api/thumbnail-jobs?${query}`, { method: 'POST' });
    if (res.status !== 202) throw new Error(`${appDir} answered ${res.status}: ${await res.text()}`);
    const { statusQueryGetUri } = (await res.json()) as { statusQueryGetUri: string };
    for (;;) {
      const status = (await (await fetch(statusQueryGetUri)).json()) as { runtimeStatus: string; output: unknown };
      if (status.runtimeStatus === 'Completed') break;
      if (['Failed', 'Terminated'].includes(status.runtimeStatus))
        throw new Error(`The job ${status.runtimeStatus}: ${JSON.stringify(status.output)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return (performance.now() - began) / 1000;
  } finally {
    await host.stop();
  }
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
    const loopStart = performance.now();
    for (let i = 0; i < images; i++) {
      const name = `photo-${String(i).padStart(3, '0')}.jpg`;
      const { bytes } = await readBlob(CONTAINER, name);
      const thumbnail = await makeThumbnail(bytes, WIDTH);
      await writeBlob('thumbnails', thumbnailName(CONTAINER, name, WIDTH), thumbnail.bytes, 'image/webp');
    }
    const plainLoopSeconds = (performance.now() - loopStart) / 1000;

    const lab05Seconds = await runJob(
      join(repoRoot, 'solutions', '05-first-orchestration'),
      azurite.connectionString,
      0,
    );
    const lab06Seconds = await runJob(join(repoRoot, 'solutions', '06-fan-out-fan-in'), azurite.connectionString, 10);
    return { images, plainLoopSeconds, lab05Seconds, lab06Seconds };
  } finally {
    await azurite.stop();
  }
}
