import { describe, expect, it } from 'vitest';
import { chooseHints } from '../lib/next-hints.ts';

const RUN = '2026-12-07T09:00:00.000Z';
/** Lab 05's hints: 1 and 2 quote failures, 3 is "almost the answer". */
const LAB_05 = [true, true, false];
/** Lab 13's: every hint quotes the failure of its own check. */
const LAB_13 = [true, true, true];

describe('npm run hint -- NN (no number)', () => {
  it('shows the hint that quotes the last run’s first failure, not hint 1 (the walkthrough: its check already passed)', () => {
    expect(chooseHints({ lastRunAt: RUN, lastPassed: false, lastHint: 2 }, LAB_05)).toEqual({
      numbers: [2],
      why: 'failure',
      more: true,
      record: { hintRun: RUN, hintDepth: 0 },
    });
  });

  it('asked again for the same run, adds the hint after it that quotes no failure of its own; a new run starts over', () => {
    const failing = { lastRunAt: RUN, lastPassed: false, lastHint: 2 };
    expect(chooseHints({ ...failing, hintRun: RUN, hintDepth: 0 }, LAB_05)).toMatchObject({
      numbers: [2, 3],
      more: false,
    });
    expect(chooseHints({ ...failing, hintRun: RUN, hintDepth: 4 }, LAB_05).numbers).toEqual([2, 3]);
    expect(chooseHints({ ...failing, hintRun: '2026-12-07T08:00:00.000Z', hintDepth: 1 }, LAB_05).numbers).toEqual([2]);
  });

  it('never adds a hint that quotes another failure: it is about another check (the walkthrough, labs 10 and 11)', () => {
    const again = { lastRunAt: RUN, lastPassed: false, lastHint: 1, hintRun: RUN, hintDepth: 0 };
    expect(chooseHints(again, LAB_13)).toMatchObject({ numbers: [1], why: 'failure', more: false });
  });

  it('adds "almost the answer" further on, over the hints of other checks (the third walkthrough, labs 06 and 07)', () => {
    const first = { lastRunAt: RUN, lastPassed: false, lastHint: 1 };
    expect(chooseHints(first, LAB_05)).toMatchObject({ numbers: [1], more: true });
    expect(chooseHints({ ...first, hintRun: RUN, hintDepth: 0 }, LAB_05)).toMatchObject({
      numbers: [1, 3],
      more: false,
    });
    // Lab 09: a quoted hint, then two that follow it up.
    expect(chooseHints({ ...first, hintRun: RUN, hintDepth: 1 }, [true, false, false])).toMatchObject({
      numbers: [1, 2, 3],
      more: false,
    });
  });

  it('goes one more hint at a time, in order, when no hint quotes the failure', () => {
    expect(chooseHints({}, LAB_05)).toEqual({ numbers: [1], why: 'next', more: true, record: { hintsShown: 1 } });
    expect(chooseHints({ hintsShown: 1 }, LAB_05)).toMatchObject({ numbers: [1, 2], why: 'next' });
    expect(chooseHints({ hintsShown: 3 }, LAB_05)).toMatchObject({ numbers: [1, 2, 3], more: false });
  });

  it("for a failure no hint quotes, shows only the hints that quote none, one more each time for the same run (the walkthrough got lab 03's placeholder hint once that step worked)", () => {
    const failing = { lastRunAt: RUN, lastPassed: false, hintsShown: 1 };
    // Lab 03: hint 1 quotes the blobService() placeholder; 2 and 3 quote no failure.
    expect(chooseHints(failing, [true, false, false])).toEqual({
      numbers: [2],
      why: 'unquoted',
      more: true,
      record: { hintRun: RUN, hintDepth: 0 },
    });
    expect(chooseHints({ ...failing, hintRun: RUN, hintDepth: 0 }, [true, false, false])).toMatchObject({
      numbers: [2, 3],
      more: false,
    });
    expect(chooseHints({ ...failing, hintRun: RUN, hintDepth: 1 }, [true, false, false]).numbers).toEqual([2, 3]);
    // Every hint quotes another failure: all of them, in order, said so.
    expect(chooseHints(failing, LAB_13)).toMatchObject({ numbers: [1, 2], why: 'unquoted' });
  });

  it('says so when the last run passed, or named a mistake with its own hint, and then goes in order', () => {
    expect(chooseHints({ lastPassed: true, lastHint: 3 }, LAB_05)).toMatchObject({ numbers: [1], why: 'passed' });
    expect(chooseHints({ lastPassed: false, lastMistake: 'thumbnailOrchestrator is async' }, LAB_05)).toMatchObject({
      numbers: [1],
      why: 'mistake',
    });
    expect(chooseHints({ lastPassed: false, lastHint: 7 }, LAB_05).why).toBe('unquoted');
  });

  it('shows every hint with --all', () => {
    expect(chooseHints({ lastPassed: false, lastHint: 2 }, LAB_05, true)).toEqual({
      numbers: [1, 2, 3],
      why: 'all',
      more: false,
      record: { hintsShown: 3 },
    });
  });
});
