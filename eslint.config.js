// ESLint (flat config) for the labs' apps: the rule durable/orchestrator-determinism flags the
// clock, randomness, await, timers and I/O inside Durable Functions orchestrators (lab 08).
// Run it with `npm run lint -- 08` (your lab 08), `npm run lint -- 08 --solution`, or
// `npx eslint labs/08-*/src`. The apps themselves never import the plugin: they stay deployable
// on their own.
import tseslint from 'typescript-eslint';
import durable from '@workshop/eslint-plugin-durable';

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', 'docs/site/**'] },
  {
    // .workshop/*: the copies of an app that npm test makes (a solution built with tsc, .workshop/built-NN).
    files: ['labs/*/src/**/*.ts', 'solutions/*/src/**/*.ts', '.workshop/*/src/**/*.ts'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2024, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    plugins: { durable },
    rules: { 'durable/orchestrator-determinism': 'error' },
  },
];
