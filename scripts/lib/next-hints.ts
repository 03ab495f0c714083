import type { LabProgress } from './progress.ts';

/** Which of a lab's hints `npm run hint -- NN` shows, and why. */
export interface HintChoice {
  /** Hint numbers, from 1, in the order shown. */
  numbers: number[];
  /** `failure`: the hint that quotes the last run's first failure; `next`: one more of the hints in order. */
  why: 'all' | 'failure' | 'next';
  /** The new count of hints asked for in order. */
  hintsShown: number;
}

/**
 * The hint that quotes the failure of the learner's last run comes first (the walkthrough got hint
 * 1 for a check that already passed); without one, the hints come one more at a time, in order.
 */
export function chooseHints(progress: LabProgress, total: number, all = false): HintChoice {
  const shown = progress.hintsShown ?? 0;
  if (all) return { numbers: range(1, total), why: 'all', hintsShown: total };
  const quoting = progress.lastPassed === false ? progress.lastHint : undefined;
  if (quoting !== undefined && quoting >= 1 && quoting <= total) {
    return { numbers: [quoting], why: 'failure', hintsShown: shown };
  }
  const upTo = Math.min(shown + 1, total);
  return { numbers: range(1, upTo), why: 'next', hintsShown: Math.max(shown, upTo) };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
