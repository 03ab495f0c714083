import { parseArgs } from 'node:util';
import { runCli } from './lib/cli.ts';
import { guideHints, hintForTerminal } from './lib/guide-hints.ts';
import { findLab, guidePath, readManifest } from './lib/manifest.ts';
import { readProgress, updateProgress } from './lib/progress.ts';
import { bold, cyan, dim, yellow } from './lib/style.ts';

const usage = `Usage: npm run hint -- NN [--all]
  Shows lab NN's next hint (the Hints of its guide); run it again for a more specific one.
  --all  shows every hint at once`;

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { all: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) return console.log(usage);
  const lab = findLab(readManifest(), positionals[0]);
  const hints = guideHints(lab);
  const shown = readProgress().labs[lab.id]?.hintsShown ?? 0;
  const upTo = values.all ? hints.length : Math.min(shown + 1, hints.length);

  console.log(bold(`Lab ${lab.id} · ${lab.title} — hints`), '\n');
  hints
    .slice(0, upTo)
    .forEach((hint, i) =>
      console.log(
        `${yellow(`Hint ${i + 1} of ${hints.length} — ${hint.title}`)}\n${hintForTerminal(hint.body, cyan)}\n`,
      ),
    );
  updateProgress(lab.id, (p) => {
    p.hintsShown = Math.max(p.hintsShown ?? 0, upTo);
  });
  if (upTo < hints.length)
    console.log(dim(`Still stuck? Run ${cyan(`npm run hint -- ${lab.id}`)} again for the next hint.`));
  else
    console.log(
      dim(
        `That was the last hint. Compare with the solution: ${cyan(`npm run diff -- ${lab.id}`)}; the guide: ${guidePath(lab)}`,
      ),
    );
}

runCli(main, usage);
