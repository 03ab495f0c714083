import { afterEach, describe, expect, it, vi } from 'vitest';
import { local, time, utc } from '../web/format-time.ts';

describe("the dashboard's times", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
  });

  it("write another day's date as 2026-12-08, whatever the browser's language (the walkthrough saw 12/8/2026)", () => {
    vi.useFakeTimers({ now: new Date(Date.UTC(2026, 11, 7, 10, 0, 0)) });
    expect(time(new Date(Date.UTC(2026, 11, 8, 10, 28, 24, 539)).toISOString())).toBe('2026-12-08 10:28:24.539');
    expect(time(new Date(Date.UTC(2026, 11, 7, 9, 5, 3, 7)).toISOString())).toBe('09:05:03.007');
    expect(time(undefined)).toBe('');
  });

  it("write UTC, as the host log does, whatever the time zone (the walkthrough saw 04:30 beside the log's 12:30Z)", () => {
    vi.stubEnv('TZ', 'America/Los_Angeles');
    vi.useFakeTimers({ now: new Date('2026-12-07T10:00:00Z') });
    expect(new Date('2026-12-07T12:30:28.111Z').getHours()).toBe(4);
    expect(time('2026-12-07T12:30:28.111Z')).toBe('12:30:28.111');
    expect(time('2026-12-08T00:30:28.111Z')).toBe('2026-12-08 00:30:28.111');
  });
});

describe("the list's created from / to filter", () => {
  it('reads what is typed as UTC, like the times it filters', () => {
    expect(utc('2026-12-07T12:23:05')).toBe('2026-12-07T12:23:05.000Z');
    expect(local('2026-12-07T12:23:05.000Z')).toBe('2026-12-07T12:23:05');
  });

  it('takes "to" through the end of the minute or second it shows (the walkthrough: one minute matched nothing)', () => {
    expect(utc('2026-12-07T12:23', true)).toBe('2026-12-07T12:23:59.999Z');
    expect(utc('2026-12-07T12:23:05', true)).toBe('2026-12-07T12:23:05.999Z');
    expect(utc('2026-12-07T12:23')).toBe('2026-12-07T12:23:00.000Z');
    expect(utc('')).toBe('');
  });
});
