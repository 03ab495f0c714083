// npm start alone: where the learner is. The walkthrough did labs 02-04, skipping lab 01 (the
// README allows it), and was told "Now: lab 01".

import { expect, it } from 'vitest';
import { formatHome } from '../lib/home.ts';
import { readManifest } from '../lib/manifest.ts';

const labs = readManifest();
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
const passed = (...ids: string[]) => ({
  labs: Object.fromEntries(ids.map((id) => [id, { passedAt: '2026-12-07T12:00:00.000Z' }])),
});

it('is at the lab after the furthest checkpoint reached, not at one skipped before it', () => {
  expect(plain(formatHome(labs, passed('02', '03', '04')))).toContain('Now: lab 05 ·');
  expect(plain(formatHome(labs, passed()))).toContain('Now: lab 01 ·');
  expect(plain(formatHome(labs, passed('01', '02')))).toContain('Now: lab 03 ·');
});

it('goes back to a lab skipped once every later one is reached', () => {
  const allBut01 = passed(...labs.map((lab) => lab.id).filter((id) => id !== '01'));
  expect(plain(formatHome(labs, allBut01))).toContain('Now: lab 01 ·');
  expect(plain(formatHome(labs, passed(...labs.map((lab) => lab.id))))).toContain('Every checkpoint reached');
});
