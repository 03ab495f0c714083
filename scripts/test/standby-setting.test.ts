// How many hosts `npm run lab -- --watch` keeps in standby: WORKSHOP_WATCH_STANDBY_HOSTS, 0 for
// none (a laptop short of memory), at most 3; anything else is the default.

import { expect, it } from 'vitest';
import { standbyHostsWanted } from '../lib/run-checks.ts';

it('reads WORKSHOP_WATCH_STANDBY_HOSTS: 0 turns standby hosts off, more than 3 is 3, nonsense is the default', () => {
  const wanted = (value?: string) =>
    standbyHostsWanted(value === undefined ? {} : { WORKSHOP_WATCH_STANDBY_HOSTS: value });
  expect([wanted(), wanted('0'), wanted('1'), wanted('9'), wanted('two'), wanted('-1')]).toEqual([3, 0, 1, 3, 3, 3]);
});
