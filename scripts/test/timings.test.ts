import { describe, expect, it } from 'vitest';
import { formatTimings } from '../lib/timings.ts';

describe("npm test's time per part", () => {
  it('lists the parts slowest first, each with its share, then the whole run', () => {
    const text = formatTimings(
      [
        { title: 'typecheck', ms: 10_000 },
        { title: 'faults', ms: 60_000 },
        { title: 'lab 01', ms: 30_000 },
      ],
      100_000,
    );
    expect(text.split('\n')).toEqual([
      '    60.0 s  60%  faults',
      '    30.0 s  30%  lab 01',
      '    10.0 s  10%  typecheck',
      '   100.0 s 100%  in all',
    ]);
  });
});
