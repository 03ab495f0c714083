import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { benchDashboard } from './lib/bench-dashboard.ts';
import { benchDurable } from './lib/bench-durable.ts';
import { benchFloor } from './lib/bench-floor.ts';
import { benchPipeline } from './lib/bench-pipeline.ts';
import { benchWatch } from './lib/bench-watch.ts';
import { readManifest, repoRoot } from './lib/manifest.ts';
import { bold, dim } from './lib/style.ts';

// `npm run bench`: the workshop's speed, measured. Goals are printed beside the figures; a
// figure over its goal is reported, never asserted in a test.

interface Figure {
  name: string;
  seconds: number;
  goal: number;
}

/** Times an npm command end to end, as the learner types it. */
function timeCommand(args: string[]): Promise<{ seconds: number; code: number | null }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd: repoRoot, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ seconds: (performance.now() - started) / 1000, code }));
  });
}

/** A row of seconds: its name, then the figure, in the columns every row of the bench uses. */
function secondsRow(name: string, seconds: number): string {
  return `${name.padEnd(44)} ${seconds.toFixed(2).padStart(8)} s`;
}

function print(figure: Figure): void {
  const verdict = figure.seconds <= figure.goal ? 'within goal' : 'OVER GOAL';
  console.log(`${secondsRow(figure.name, figure.seconds)}   goal ≤ ${figure.goal} s   ${verdict}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  console.log(bold('Workshop bench'), dim(`(Node ${process.versions.node}, ${process.platform}/${process.arch})\n`));

  console.log(bold('Durable engine, one instance') + dim('  (published: Azure Storage provider; goals: issue #14)'));
  const durable = await benchDurable();
  for (const t of durable) {
    const ratio = t.perSecond / t.published;
    const goal =
      t.goal === undefined ? 'no goal set' : `goal ≥ ${t.goal}×   ${ratio >= t.goal ? 'within goal' : 'UNDER GOAL'}`;
    console.log(
      `${t.name.padEnd(44)} ${t.perSecond.toFixed(0).padStart(8)} /s   published ${String(t.published).padStart(3)} /s   ${ratio.toFixed(1).padStart(5)}×   ${goal}`,
    );
  }
  const floor = await benchFloor();
  const requests = [...floor.perActivity]
    .filter(([, n]) => n >= 0.5)
    .map(
      ([kind, n]) => `${Math.round(n)} ${kind}${kind === 'batch' ? ` (${Math.round(floor.rowsPerBatch)} rows)` : ''}`,
    )
    .join(', ');
  const sequential = durable.find((t) => t.name === 'sequential activities');
  console.log(
    `${"this machine's floor: Azurite alone".padEnd(44)} ${floor.perSecond.toFixed(0).padStart(8)} /s   ${dim(
      `one activity's requests back to back (${requests}; ${floor.emptyPolls.toFixed(0)} empty polls apart)`,
    )}`,
  );
  if (sequential)
    console.log(
      dim(
        `${''.padEnd(44)} sequential activities reach ${((100 * sequential.perSecond) / floor.perSecond).toFixed(0)}% of it`,
      ),
    );
  console.log('');

  const dashboard = await benchDashboard();
  console.log(
    bold('Task hub dashboard') +
      dim(dashboard.browser ? `  (browser: ${dashboard.browser})` : '  (no browser found: API figures only)'),
  );
  for (const figure of dashboard.figures) print({ ...figure, goal: 1 });
  console.log('');

  const pipeline = await benchPipeline(100);
  const overhead = pipeline.lab06OverPlainLoop;
  const runs = (seconds: number[]) => seconds.map((s) => s.toFixed(2)).join(', ');
  console.log(
    bold(`Thumbnail pipeline, ${pipeline.images} images`),
    dim(
      `(medians; the loop and lab 06 in turns: ${runs(pipeline.plainLoopRuns)} s and ${runs(pipeline.lab06Runs)} s; lab 06's ratio is the median over the loop run just before it)`,
    ),
  );
  console.log(secondsRow('plain loop, same sharp calls, one process', pipeline.plainLoopSeconds));
  console.log(secondsRow('lab 05: orchestration, one after another', pipeline.lab05Seconds));
  console.log(
    `${secondsRow('lab 06: orchestration, fan-out/fan-in', pipeline.lab06Seconds)}   ${overhead.toFixed(2)}× the plain loop (goal ≤ 1.2×)   ${overhead <= 1.2 ? 'within goal' : 'OVER GOAL'}`,
  );
  console.log(
    `${'lab 06 vs lab 05'.padEnd(44)} ${(pipeline.lab05Seconds / pipeline.lab06Seconds).toFixed(2).padStart(8)}× faster`,
  );
  console.log('');
  console.log(bold('Waiting for a verdict'));

  for (const lab of readManifest()) {
    const { seconds } = await timeCommand(['run', `lab:${lab.id}`, '--', '--solution']);
    print({ name: `npm run lab:${lab.id} → verdict (Azurite start included)`, seconds, goal: 5 });
  }
  console.log('');
  console.log(
    bold('Waiting for a verdict after a save') +
      dim('  (npm run lab:NN -- --watch, a copy of the solution; median of 3 saves, each 2 s after a verdict)'),
  );
  for (const lab of readManifest()) {
    const figure = await benchWatch(lab);
    print({
      name: `lab ${lab.id}: save → verdict${figure.passed ? '' : ', NOT THE CHECKPOINT'}`,
      seconds: figure.saveSeconds,
      goal: 1.5,
    });
  }
  console.log('');
  console.log(
    bold('Waiting for a verdict after a save, on the starter') +
      dim("  (its checks fail, as a learner's do while they work: no goal set, the goal above is the checkpoint's)"),
  );
  for (const lab of readManifest()) {
    const figure = await benchWatch(lab, 'starter');
    console.log(secondsRow(`lab ${lab.id}: save → verdict, starter`, figure.saveSeconds));
  }
  if (values.quick) return;
  console.log('');
  const { seconds, code } = await timeCommand(['test']);
  print({ name: `npm test (whole suite${code === 0 ? '' : ', FAILED'})`, seconds, goal: 120 });
}

await main();
