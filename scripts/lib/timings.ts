// How long each part of `npm test` took, printed at the end so the slow parts are visible
// (issue #14). Figures only: no test asserts a time.

export interface Timing {
  title: string;
  ms: number;
}

/** One line per part, slowest first, with its share of the whole run. */
export function formatTimings(timings: readonly Timing[], totalMs: number): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(8);
  const share = (ms: number) => `${Math.round((100 * ms) / Math.max(totalMs, 1))}%`.padStart(4);
  const lines = [...timings]
    .sort((a, b) => b.ms - a.ms)
    .map((t) => `  ${seconds(t.ms)} ${share(t.ms)}  ${t.title.length > 90 ? `${t.title.slice(0, 89)}…` : t.title}`);
  lines.push(`  ${seconds(totalMs)} 100%  in all`);
  return lines.join('\n');
}
