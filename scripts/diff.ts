import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { appFiles, readText } from './lib/app-files.ts';
import { runCli } from './lib/cli.ts';
import { findLab, readManifest, repoRoot, solutionDir, starterDir } from './lib/manifest.ts';
import { bold, cyan, dim, green } from './lib/style.ts';

const usage = `Usage: npm run diff -- NN
  Shows how your labs/NN-* folder differs from solutions/NN-* (- yours, + the solution).`;

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) return console.log(usage);
  const lab = findLab(readManifest(), positionals[0]);
  const mine = starterDir(lab);
  const solution = solutionDir(lab);
  const files = [...new Set([...appFiles(mine), ...appFiles(solution)])].sort();
  const differing = files.filter((f) => f !== 'package.json' && readText(mine, f) !== readText(solution, f));

  console.log(
    bold(`Lab ${lab.id}: ${relative(repoRoot, mine)} (yours, -) vs ${relative(repoRoot, solution)} (+)`),
    '\n',
  );
  if (differing.length === 0) return console.log(green('Your app is the same as the solution.'));
  for (const file of differing) {
    // git is there (the workshop is a clone); --no-index compares any two files, with colour.
    spawnSync(
      'git',
      [
        '--no-pager',
        'diff',
        '--no-index',
        '--color=auto',
        '--',
        relative(repoRoot, join(mine, file)),
        relative(repoRoot, join(solution, file)),
      ],
      {
        cwd: repoRoot,
        stdio: 'inherit',
      },
    );
  }
  console.log(
    dim(
      `\n${differing.length} file(s) differ. Different is fine when the checks pass: ${cyan(`npm run lab:${lab.id}`)}.`,
    ),
  );
}

runCli(main, usage);
