// A check quotes a failed orchestration's output in one line. The SDK's messages can be long: a
// verdict on an `async function*` orchestrator ended "…such as si".

import { expect, it } from 'vitest';
import { outputSummary, type OrchestrationStatus } from '../src/index.ts';

const withOutput = (output: unknown) => ({ runtimeStatus: 'Failed', output }) as OrchestrationStatus;

it('quotes the first line of an output whole when it is short', () => {
  expect(outputSummary(withOutput('Orchestrator function failed: boom\n{"details":1}'))).toBe(
    'Orchestrator function failed: boom',
  );
  expect(outputSummary(withOutput({ thumbnails: 4 }))).toBe('{"thumbnails":4}');
});

it('ends a long one at a word, with an ellipsis, never inside a word', () => {
  const words = 'such as signalEntity or continueAsNew, '.repeat(40);
  const summary = outputSummary(withOutput(`The SDK said: ${words}`));
  expect(summary.length).toBeLessThanOrEqual(601);
  expect(summary).toMatch(/ (such|as|signalEntity|or|continueAsNew)…$/);
});
