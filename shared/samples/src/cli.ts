/**
 * Sample images from the command line.
 *
 *   node shared/samples/src/cli.ts list          name, kind, size and description of each sample
 *   node shared/samples/src/cli.ts write <dir>   write every sample into <dir> (created if missing)
 *
 * `write` is handy for uploading the samples yourself, e.g. with Azure Storage Explorer or
 * `az storage blob upload-batch -d samples -s <dir> --connection-string UseDevelopmentStorage=true`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sampleImages } from './index.ts';

const [command, target] = process.argv.slice(2);

if (command === 'list') {
  for (const sample of await sampleImages()) {
    console.log(
      `${sample.name.padEnd(14)} ${sample.kind.padEnd(10)} ${String(sample.bytes.length).padStart(7)} B  ${sample.description}`,
    );
  }
} else if (command === 'write' && target) {
  const dir = path.resolve(target);
  await mkdir(dir, { recursive: true });
  const samples = await sampleImages();
  for (const sample of samples) {
    await writeFile(path.join(dir, sample.name), sample.bytes);
  }
  console.log(`Wrote ${samples.length} samples to ${dir}`);
} else {
  console.error('Usage: node shared/samples/src/cli.ts list | write <dir>');
  process.exitCode = 2;
}
