// npm run format [-- --check]: Prettier on the whole repo's TypeScript and JavaScript (the labs'
// and solutions' apps and checks, shared/, scripts/ and the config files), at 120 characters.
// Starters and solutions are formatted alike, so a starter stays its previous solution plus its
// lab's changes. Prettier does not wrap strings or comments: those stay as written.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './lib/manifest.ts';

export const FORMATTED = [
  'labs/*/src/**/*.ts',
  'labs/*/checks/**/*.ts',
  'solutions/*/src/**/*.ts',
  'shared/*/{src,test,browser-test,web,bench}/**/*.{ts,mts,js,mjs}',
  'docs/**/*.{ts,mjs}',
  'scripts/**/*.{ts,mjs,js}',
  '*.{ts,js,mjs}',
];

const check = process.argv.includes('--check');
const result = spawnSync(
  process.execPath,
  [
    join(repoRoot, 'node_modules/prettier/bin/prettier.cjs'),
    check ? '--check' : '--write',
    '--log-level',
    'warn',
    ...FORMATTED,
  ],
  {
    cwd: repoRoot,
    stdio: 'inherit',
  },
);
if (check && result.status !== 0) console.error('Run `npm run format` to format them.');
process.exit(result.status ?? 1);
