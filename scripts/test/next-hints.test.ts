import { describe, expect, it } from 'vitest';
import { chooseHints } from '../lib/next-hints.ts';

const RUN = '2026-12-07T09:00:00.000Z';

describe('npm run hint -- NN (no number)', () => {
  it('shows the hint that quotes the last run’s first failure, not hint 1 (the walkthrough: its check already passed)', () => {
    expect(chooseHints({ lastRunAt: RUN, lastPassed: false, lastHint: 2 }, 4)).toEqual({
      numbers: [2],
      why: 'failure',
      record: { hintRun: RUN, hintDepth: 0 },
    });
  });

  it('asked again for the same run, adds the next, more specific hint each time; a new run starts over', () => {
    const failing = { lastRunAt: RUN, lastPassed: false, lastHint: 2 };
    expect(chooseHints({ ...failing, hintRun: RUN, hintDepth: 0 }, 4).numbers).toEqual([2, 3]);
    expect(chooseHints({ ...failing, hintRun: RUN, hintDepth: 1 }, 4).numbers).toEqual([2, 3, 4]);
    expect(chooseHints({ ...failing, hintRun: RUN, hintDepth: 5 }, 4).numbers).toEqual([2, 3, 4]);
    expect(chooseHints({ ...failing, hintRun: '2026-12-07T08:00:00.000Z', hintDepth: 2 }, 4).numbers).toEqual([2]);
  });

  it('goes one more hint at a time, in order, when no hint quotes the failure', () => {
    expect(chooseHints({}, 4)).toEqual({ numbers: [1], why: 'next', record: { hintsShown: 1 } });
    expect(chooseHints({ lastPassed: false, hintsShown: 1 }, 4)).toMatchObject({ numbers: [1, 2], why: 'next' });
    expect(chooseHints({ hintsShown: 4 }, 4).numbers).toEqual([1, 2, 3, 4]);
  });

  it('says so when the last run passed, or named a mistake with its own hint, and then goes in order', () => {
    expect(chooseHints({ lastPassed: true, lastHint: 3 }, 4)).toMatchObject({ numbers: [1], why: 'passed' });
    expect(chooseHints({ lastPassed: false, lastMistake: 'thumbnailOrchestrator is async' }, 4)).toMatchObject({
      numbers: [1],
      why: 'mistake',
    });
    expect(chooseHints({ lastPassed: false, lastHint: 7 }, 4).why).toBe('next');
  });

  it('shows every hint with --all', () => {
    expect(chooseHints({ lastPassed: false, lastHint: 2 }, 3, true)).toEqual({
      numbers: [1, 2, 3],
      why: 'all',
      record: { hintsShown: 3 },
    });
  });
});
