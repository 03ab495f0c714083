import { afterEach, describe, expect, it, vi } from 'vitest';
import { time } from '../web/format-time.ts';

describe("the dashboard's times", () => {
  afterEach(() => vi.useRealTimers());

  it("write another day's date as 2026-12-08, whatever the browser's language (the walkthrough saw 12/8/2026)", () => {
    vi.useFakeTimers({ now: new Date(2026, 11, 7, 10, 0, 0) });
    expect(time(new Date(2026, 11, 8, 10, 28, 24, 539).toISOString())).toBe('2026-12-08 10:28:24.539');
    expect(time(new Date(2026, 11, 7, 9, 5, 3, 7).toISOString())).toBe('09:05:03.007');
    expect(time(undefined)).toBe('');
  });
});
