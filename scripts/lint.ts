// npm run lint -- [NN] [--solution]
//
// Runs ESLint (eslint.config.js at the repository's root) on a lab's app: the rule
// durable/orchestrator-determinism flags the clock, randomness, await, timers and I/O inside
// Durable Functions orchestrators (lab 08). Without NN, every lab and solution.
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { ESLint } from 'eslint';
import { runCli } from './lib/cli.ts';
import { findLab, readManifest, repoRoot, solutionDir, starterDir } from './lib/manifest.ts';
import { green } from './lib/style.ts';

const usage = `Usage: npm run lint -- [NN] [--solution]
  Lints labs/NN-*/src (or solutions/NN-*/src with --solution) with the workshop's ESLint rules;
  without NN, every lab and solution.`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { solution: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) return console.log(usage);
  const labs = readManifest();
  const dirs = positionals[0]
    ? [(values.solution ? solutionDir : starterDir)(findLab(labs, positionals[0]))]
    : labs.flatMap((lab) => [starterDir(lab), solutionDir(lab)]);
  const patterns = dirs.map((dir) => `${relative(repoRoot, dir)}/src`);
  const eslint = new ESLint({ cwd: repoRoot });
  const results = await eslint.lintFiles(patterns);
  const formatter = await eslint.loadFormatter('stylish');
  const text = await formatter.format(results);
  const errors = results.reduce((n, r) => n + r.errorCount, 0);
  if (errors === 0) console.log(green(`✓ ${patterns.join(', ')}: no problems`));
  else console.log(text);
  if (errors > 0) process.exitCode = 1;
}

runCli(main, usage);
