// npm start on another program's Azurite (the walkthrough of labs 02-04): its banner promised that
// Ctrl+C stops Azurite, and after that Azurite had stopped, its last line said it was left running.

import { expect, it } from 'vitest';
import { andAzurite, stoppedLine } from '../lib/serve-words.ts';

it('promises to stop only the Azurite npm start started', () => {
  expect(`Ctrl+C stops it${andAzurite('started')}.`).toBe('Ctrl+C stops it and Azurite.');
  expect(`Ctrl+C stops it${andAzurite('reused')}.`).toBe('Ctrl+C stops it.');
});

it("says another program's Azurite is left running only while it still runs", () => {
  expect(stoppedLine('reused', true, 'npm start -- 04')).toContain(
    'the Azurite that was already running is left running',
  );
  expect(stoppedLine('reused', false, 'npm start -- 04')).toBe(
    'Stopped the host. The Azurite another program had started has stopped too. npm start -- 04 starts both.',
  );
  expect(stoppedLine('started', false, 'npm start -- 04')).toContain('Stopped the host and Azurite');
});
