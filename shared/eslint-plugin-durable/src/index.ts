import type { ESLint, Linter } from 'eslint';
import { orchestratorDeterminism } from './orchestrator-determinism.ts';

export { DEFAULT_IO_MODULES, messages, orchestratorDeterminism, type MessageId } from './orchestrator-determinism.ts';

/**
 * `@workshop/eslint-plugin-durable`: the rule `durable/orchestrator-determinism`, which flags
 * the clock, randomness, `await`, timers and I/O inside Durable Functions orchestrators.
 *
 * ```js
 * // eslint.config.js
 * import tseslint from 'typescript-eslint';
 * import durable from '@workshop/eslint-plugin-durable';
 * export default [{ files: ['src/**\/*.ts'], languageOptions: { parser: tseslint.parser }, ...durable.configs.recommended }];
 * ```
 */
const plugin: ESLint.Plugin & { configs: { recommended: Linter.Config } } = {
  meta: { name: '@workshop/eslint-plugin-durable', version: '1.0.0' },
  rules: { 'orchestrator-determinism': orchestratorDeterminism },
  configs: { recommended: {} },
};
plugin.configs.recommended = {
  plugins: { durable: plugin },
  rules: { 'durable/orchestrator-determinism': 'error' },
};

export default plugin;
