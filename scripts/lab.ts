import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { onlyTheLab, runCli } from './lib/cli.ts';
import { findLab, readManifest, repoRoot, solutionDir, starterDir, type Lab } from './lib/manifest.ts';
import { updateProgress } from './lib/progress.ts';
import { resetLab } from './lib/reset.ts';
import { runChecks, type ChecksRun } from './lib/run-checks.ts';
import { cyan, dim } from './lib/style.ts';
import { stopWhenLeftRunning } from './lib/when-orphaned.ts';
import { formatVerdict, hintForFirstFailure } from './lib/verdict.ts';

const usage = `Usage: npm run lab:NN [-- --solution] [-- --watch] [-- --reset]
  Runs lab NN's checks against your labs/NN-* folder and tells you whether you have reached the checkpoint.
  --solution  run the same checks against solutions/NN-* instead
  --watch     run again every time you save a file
  --reset     put labs/NN-* back to the starter (your work is copied to .workshop/backups first)`;

function recordRun(lab: Lab, run: ChecksRun): void {
  const { hint, mistake } = hintForFirstFailure(lab, run);
  updateProgress(lab.id, (p) => {
    p.lastRunAt = new Date().toISOString();
    p.lastPassed = run.passed;
    if (run.passed) p.passedAt ??= p.lastRunAt;
    // npm run hint starts from these: the walkthrough got hint 1 for a check already passing.
    if (hint === undefined) delete p.lastHint;
    else p.lastHint = hint;
    if (mistake === undefined) delete p.lastMistake;
    else p.lastMistake = mistake;
  });
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      solution: { type: 'boolean', default: false },
      watch: { type: 'boolean', default: false },
      reset: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const labs = readManifest();
  onlyTheLab(positionals, (option) => `npm run lab:${positionals[0]} -- ${option}`);
  const lab = findLab(labs, positionals[0]);
  const next = labs[labs.indexOf(lab) + 1];
  if (values.reset) {
    const backup = relative(repoRoot, resetLab(lab));
    // The folder is the starter again, so the home screen must not show the lab as passed.
    updateProgress(lab.id, (p) => {
      delete p.passedAt;
      delete p.lastPassed;
      delete p.lastRunAt;
      delete p.lastHint;
      delete p.lastMistake;
    });
    console.log(`labs/${lab.slug} is the starter again. Your work is in ${backup}.`);
    console.log(`To take it back: ${cyan(`cp -R ${backup}/. labs/${lab.slug}/`)}`);
    return 0;
  }
  const appDir = values.solution ? solutionDir(lab) : starterDir(lab);
  const appLabel = relative(repoRoot, appDir);
  if (values.watch) {
    // Watching never ends by itself: npm killed above it, or a closed terminal, must end it too,
    // or it goes on running the checks (and their Azurite and hosts) for nobody.
    const stop = () => process.exit(130);
    stopWhenLeftRunning(`npm run lab:${lab.id} -- --watch`, 'stopping', stop);
    // Ctrl+C: through process.exit, so what the run leaves in the temp folder goes with it.
    process.once('SIGINT', () => {
      console.log(`\nStopped watching ${appLabel}. ${cyan(`npm run lab:${lab.id} -- --watch`)} watches it again.`);
      stop();
    });
  }

  const run = await runChecks({
    lab,
    appDir,
    watch: values.watch,
    onRun: (result) => {
      if (!values.solution) recordRun(lab, result);
      if (values.watch) console.clear();
      console.log(formatVerdict(lab, appLabel, result, next, values.watch));
      // Said what was timed (the walkthrough could not tell): from the save it checked, or from
      // the command's start, start-up included (performance.now() counts from the process's).
      const seconds = ((performance.now() - (result.savedAt ?? 0)) / 1000).toFixed(1);
      const took = dim(
        result.savedAt === undefined
          ? `Checked in ${seconds} s, start-up included.`
          : `Checked ${seconds} s after your save.`,
      );
      console.log(values.watch ? `\n${took} Watching for changes… (Ctrl+C to stop)` : took);
    },
    // At once, under the verdict it replaces: the save was seen, and the checks are running (a
    // run going on stops: its verdict would be about the code before the save).
    onSave: (changed) => {
      console.log(dim(`\n${changed.length > 0 ? `Saved ${changed.join(', ')}` : 'A file changed'}: checking…`));
    },
  });
  return run.passed ? 0 : 1;
}

runCli(main, usage);
