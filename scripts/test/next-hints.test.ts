import { describe, expect, it } from 'vitest';
import { chooseHints } from '../lib/next-hints.ts';

describe('npm run hint -- NN (no number)', () => {
  it('shows the hint that quotes the last run’s first failure, not hint 1 (the walkthrough: its check already passed)', () => {
    expect(chooseHints({ lastPassed: false, lastHint: 3 }, 4)).toEqual({ numbers: [3], why: 'failure', hintsShown: 0 });
    expect(chooseHints({ lastPassed: false, lastHint: 3, hintsShown: 2 }, 4)).toMatchObject({
      numbers: [3],
      hintsShown: 2,
    });
  });

  it('goes one more hint at a time, in order, when no hint quotes the failure', () => {
    expect(chooseHints({}, 4)).toEqual({ numbers: [1], why: 'next', hintsShown: 1 });
    expect(chooseHints({ lastPassed: false, hintsShown: 1 }, 4)).toEqual({
      numbers: [1, 2],
      why: 'next',
      hintsShown: 2,
    });
    expect(chooseHints({ hintsShown: 4 }, 4)).toEqual({ numbers: [1, 2, 3, 4], why: 'next', hintsShown: 4 });
  });

  it('ignores a hint recorded for a run that passed, or one the guide no longer has', () => {
    expect(chooseHints({ lastPassed: true, lastHint: 3 }, 4).why).toBe('next');
    expect(chooseHints({ lastPassed: false, lastHint: 7 }, 4).why).toBe('next');
  });

  it('shows every hint with --all', () => {
    expect(chooseHints({ lastPassed: false, lastHint: 2 }, 3, true)).toEqual({
      numbers: [1, 2, 3],
      why: 'all',
      hintsShown: 3,
    });
  });
});
