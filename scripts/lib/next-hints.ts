import type { LabProgress } from './progress.ts';

/** Which of a lab's hints `npm run hint -- NN` shows, and why. */
export interface HintChoice {
  /** Hint numbers, from 1, in the order shown. */
  numbers: number[];
  /**
   * `failure`: from the hint that quotes the last run's first failure; `passed`, `mistake` (the
   * verdict named one, with its own hint), `unquoted` (no hint quotes the failure) and `next`:
   * one more of the hints in order.
   */
  why: 'all' | 'failure' | 'passed' | 'mistake' | 'unquoted' | 'next';
  /** Whether asking again shows more. */
  more: boolean;
  /** What to record of this choice, so that the next one goes further. */
  record: Pick<LabProgress, 'hintsShown' | 'hintRun' | 'hintDepth'>;
}

/**
 * The hint that quotes the failure of the learner's last run comes first (the walkthrough got hint
 * 1 for a check that already passed). Asked again for the same run, it comes with the next of the
 * hints after it that quote no failure of their own ("almost the answer"): a hint that quotes
 * another failure is about another check (the second walkthrough), and one further on that quotes
 * none follows up on every failure before it (the third). For a failure no hint quotes, the hints
 * that quote none come one more at a time; with no failing run to go by, all of them in order.
 *
 * `quotes[i]`: whether hint i + 1's title quotes a failure.
 */
export function chooseHints(progress: LabProgress, quotes: readonly boolean[], all = false): HintChoice {
  const total = quotes.length;
  const shown = progress.hintsShown ?? 0;
  if (all) return { numbers: range(1, total), why: 'all', more: false, record: { hintsShown: total } };
  const quoting = progress.lastPassed === false ? progress.lastHint : undefined;
  const sameRun = progress.lastRunAt !== undefined && progress.hintRun === progress.lastRunAt;
  if (quoting !== undefined && quoting >= 1 && quoting <= total) {
    // The hints that follow it up: those after it that quote no failure.
    const followUps = range(quoting + 1, total).filter((number) => !quotes[number - 1]);
    const depth = Math.min(sameRun ? (progress.hintDepth ?? 0) + 1 : 0, followUps.length);
    return {
      numbers: [quoting, ...followUps.slice(0, depth)],
      why: 'failure',
      more: depth < followUps.length,
      record: { hintRun: progress.lastRunAt, hintDepth: depth },
    };
  }
  // A failure no hint quotes: the hints that quote a failure are about other checks (the
  // walkthrough got lab 03's placeholder hint back once that step worked), so only the others.
  const general = range(1, total).filter((number) => !quotes[number - 1]);
  if (progress.lastPassed === false && !progress.lastMistake && general.length > 0) {
    const depth = Math.min(sameRun ? (progress.hintDepth ?? -1) + 1 : 0, general.length - 1);
    return {
      numbers: general.slice(0, depth + 1),
      why: 'unquoted',
      more: depth + 1 < general.length,
      record: { hintRun: progress.lastRunAt, hintDepth: depth },
    };
  }
  const upTo = Math.min(shown + 1, total);
  const why =
    progress.lastPassed === true
      ? 'passed'
      : progress.lastMistake
        ? 'mistake'
        : progress.lastPassed === false
          ? 'unquoted'
          : 'next';
  // (unquoted here: every hint of the lab quotes a failure, none the learner's.)
  return { numbers: range(1, upTo), why, more: upTo < total, record: { hintsShown: Math.max(shown, upTo) } };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
