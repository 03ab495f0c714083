// npm run payloads -- [NN] <instanceId> [--lab 07] [--solution] [--connection <string>] [--hub <name>]
//
// The payload meter: the size of every input, output and custom status an orchestration
// instance stored in its task hub (History rows, the Instances row, and the large-message
// blobs they point to), and what landed in `{hub}-largemessages`. Reads the Azurite of a
// served lab (`npm start -- NN`): development storage, the hub of the lab's host.json.
import { parseArgs } from 'node:util';
import { describePayload, formatBytes, measurePayloads } from '../shared/testkit/src/payloads.ts';
import { runCli } from './lib/cli.ts';
import { fromStorage, instanceOptions, instanceTarget, instanceUsage } from './lib/instance-args.ts';
import { UsageError } from './lib/manifest.ts';
import { bold, dim, red, yellow } from './lib/style.ts';

const usage = `Usage: npm run payloads -- [NN] <instanceId> [--lab NN] [--solution] [--connection <string>] [--hub <name>]
  Prints the size of every payload of one orchestration instance, and its large-message blobs.
${instanceUsage}`;

/** Payloads above this are flagged: well past the few KB an orchestration should carry. */
const FLAG_BYTES = 4 * 1024;
/** An Azure Storage queue message holds at most 64 KB. */
const QUEUE_LIMIT_BYTES = 64 * 1024;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: instanceOptions,
  });
  if (values.help) return console.log(usage);
  const { instanceId, hub, connection } = instanceTarget(values, positionals);
  const report = await fromStorage(() => measurePayloads(connection, hub, instanceId));
  if (report.payloads.length === 0 && report.largeMessages.length === 0) {
    throw new UsageError(`The task hub ${hub} has no instance "${instanceId}". Check the id, and --lab or --hub.`);
  }

  console.log(bold(`Instance ${instanceId}`), dim(`(task hub ${hub})`));
  console.log(dim('size      where it is stored'));
  let total = 0;
  for (const payload of report.payloads) {
    total += payload.bytes;
    const size = formatBytes(payload.bytes).padStart(8);
    const line = `${size}  ${describePayload(payload)}`;
    const blob = payload.blob
      ? dim(`  → blob ${payload.blob.name} (${formatBytes(payload.blob.compressedBytes)} gzipped)`)
      : '';
    const colour = payload.bytes > QUEUE_LIMIT_BYTES ? red : payload.bytes > FLAG_BYTES ? yellow : (s: string) => s;
    console.log(colour(line) + blob);
  }
  console.log(dim(`${formatBytes(total).padStart(8)}  in all, in ${report.payloads.length} payloads`));

  console.log(
    bold(`\n${hub.toLowerCase()}-largemessages/${instanceId}/`),
    dim(`${report.largeMessages.length} blob(s)`),
  );
  for (const blob of report.largeMessages) console.log(`${formatBytes(blob.bytes).padStart(8)}  ${blob.name}`);

  const largest = report.largest;
  if (largest && largest.bytes > FLAG_BYTES) {
    console.log(
      yellow(
        `\nThe largest payload is ${formatBytes(largest.bytes)} (${describePayload(largest)}).` +
          (largest.bytes > QUEUE_LIMIT_BYTES ? ' More than an Azure Storage queue message holds (64 KB).' : '') +
          ' Every replay reads it again: pass blob names, not bytes (claim check).',
      ),
    );
  }
}

runCli(main, usage);
