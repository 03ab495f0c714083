import { parseArgs } from 'node:util';
import { runCli } from './lib/cli.ts';
import { guideHints, hintForTerminal, quotedFailures, type GuideHint } from './lib/guide-hints.ts';
import { findLab, guidePath, readManifest, UsageError } from './lib/manifest.ts';
import { chooseHints } from './lib/next-hints.ts';
import { readProgress, updateProgress } from './lib/progress.ts';
import { bold, cyan, dim, yellow } from './lib/style.ts';

const usage = `Usage: npm run hint -- NN [N] [--all]
  Shows the hint (from the Hints of lab NN's guide) for the check your last npm run lab:NN
  stopped at; when no hint quotes its failure, the next hint in order (run it again for more).
  N      shows hint N only (a failing check names the hint that quotes its failure)
  --all  shows every hint at once`;

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { all: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) return console.log(usage);
  const lab = findLab(readManifest(), positionals[0]);
  const hints = guideHints(lab);
  const show = (hint: GuideHint, i: number) =>
    console.log(`${yellow(`Hint ${i + 1} of ${hints.length} — ${hint.title}`)}\n${hintForTerminal(hint.body, cyan)}\n`);
  if (positionals[1] !== undefined) {
    const number = Number(positionals[1]);
    const hint = Number.isInteger(number) ? hints[number - 1] : undefined;
    if (!hint)
      throw new UsageError(`Lab ${lab.id} has hints 1 to ${hints.length}; there is no hint ${positionals[1]}.`);
    console.log(bold(`Lab ${lab.id} · ${lab.title} — hint ${number}`), '\n');
    return show(hint, number - 1);
  }
  const progress = readProgress().labs[lab.id] ?? {};
  const quotesAFailure = hints.map((hint) => quotedFailures(hint).length > 0);
  const choice = chooseHints(progress, quotesAFailure, values.all);
  const run = cyan(`npm run lab:${lab.id}`);

  console.log(`${bold(`Lab ${lab.id} · ${lab.title} — hints`)}\n`);
  const intro = {
    all: undefined,
    failure:
      choice.numbers.length === 1
        ? `The hint for where your last ${run} stopped:`
        : `The hint for where your last ${run} stopped, then the next, more specific:`,
    passed: `Your last ${run} passed every check. The hints in order:`,
    mistake: `Your last ${run} named a mistake at the top of its verdict (${progress.lastMistake}): its Hint and Read say how to fix it. The guide's hints in order:`,
    unquoted: `No hint in the guide quotes where your last ${run} stopped: its verdict says what to read. ${choice.numbers.every((n) => !quotesAFailure[n - 1]) ? "The guide's general hints:" : "The guide's hints in order:"}`,
    next: undefined,
  }[choice.why];
  if (intro) console.log(`${dim(intro)}\n`);
  for (const number of choice.numbers) show(hints[number - 1]!, number - 1);
  updateProgress(lab.id, (p) => Object.assign(p, choice.record));
  const diff = cyan(`npm run diff -- ${lab.id}`);
  if (choice.more) {
    const again = cyan(`npm run hint -- ${lab.id}`);
    console.log(
      dim(`Still stuck? Run ${again} again for ${choice.why === 'failure' ? 'a more specific one' : 'the next hint'}.`),
    );
  } else if (choice.why === 'failure')
    console.log(dim(`That is all the guide says about this failure. Compare with the solution: ${diff}`));
  else console.log(dim(`That was the last hint. Compare with the solution: ${diff}; the guide: ${guidePath(lab)}`));
}

runCli(main, usage);
