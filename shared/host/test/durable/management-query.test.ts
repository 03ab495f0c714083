// The management API's parameter readers on their own, for the edges an HTTP round trip would
// not show: which dates exist, offsets, the upper bound of an instanceIdPrefix range in UTF-16
// order, and the instance id rules' boundary at the table key limit.

import { describe, expect, it } from 'vitest';
import { keysAfterPrefix } from '../../src/durable/client.ts';
import { ClientError } from '../../src/durable/client-error.ts';
import { validateInstanceId, validateInstanceIdPrefix } from '../../src/durable/instance-id.ts';
import { booleanParameter, dateParameter, pageSize, runtimeStatuses } from '../../src/durable/management-query.ts';
import { escapeKey } from '../../src/durable/table-keys.ts';

const query = (text: string) => new URLSearchParams(text);
const status400 = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof ClientError ? err.status : err;
  }
  return 'no error';
};

describe('dateParameter', () => {
  const date = (value: string) => dateParameter(query(`d=${encodeURIComponent(value)}`), 'd')?.toISOString();

  it('reads ISO 8601 dates and times; without an offset, UTC', () => {
    expect(date('2024-05-01')).toBe('2024-05-01T00:00:00.000Z');
    expect(date('2024-05-01T09:30')).toBe('2024-05-01T09:30:00.000Z');
    expect(date('2024-05-01 09:30:15.1234567')).toBe('2024-05-01T09:30:15.123Z');
    expect(date('2024-05-01T09:30:00+02:00')).toBe('2024-05-01T07:30:00.000Z');
    expect(date('2024-05-01T09:30:00-0130')).toBe('2024-05-01T11:00:00.000Z');
    expect(date('2024-02-29T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(dateParameter(query('d='), 'd')).toBeUndefined();
  });

  it('refuses dates that do not exist or that Azure Table storage cannot hold', () => {
    for (const value of [
      '2023-02-29',
      '2024-04-31',
      '0050-01-01',
      '1600-12-31T23:59:59Z',
      '9999-12-31T23:00:00-05:00',
      '2024-05-01T09:30:00+15:00',
      'May 1 2024',
      '1714550400',
    ]) {
      expect(
        status400(() => date(value)),
        value,
      ).toBe(400);
    }
  });
});

describe('the other readers', () => {
  it('booleans: true or false in any case, else 400', () => {
    expect(booleanParameter(query('b=TRUE'), 'b', false)).toBe(true);
    expect(booleanParameter(query('b=%20false%20'), 'b', true)).toBe(false);
    expect(booleanParameter(query(''), 'b', true)).toBe(true);
    for (const value of ['1', 'yes', 'maybe', 'truee'])
      expect(
        status400(() => booleanParameter(query(`b=${value}`), 'b', false)),
        value,
      ).toBe(400);
  });

  it('top: 1 to 1000', () => {
    expect(pageSize(query('top=1'))).toBe(1);
    expect(pageSize(query('top=%2B1000'))).toBe(1000);
    for (const value of ['0', '1001', '99999999999', '-5', '0x10', '1e2'])
      expect(
        status400(() => pageSize(query(`top=${value}`))),
        value,
      ).toBe(400);
  });

  it('runtimeStatus: each known status once, commas and repeats combined', () => {
    expect(runtimeStatuses(query('runtimeStatus=Running,%20Failed&runtimeStatus=Pending,'))).toEqual([
      'Running',
      'Failed',
      'Pending',
    ]);
    expect(status400(() => runtimeStatuses(query('runtimeStatus=Unknown')))).toBe(400);
    expect(status400(() => runtimeStatuses(query('runtimeStatus=0')))).toBe(400);
  });
});

describe('keysAfterPrefix', () => {
  it('is the next key after every key that starts with the prefix, and stays well-formed', () => {
    expect(keysAfterPrefix('abc')).toBe('abd');
    expect(keysAfterPrefix('a\uffff')).toBe('b');
    expect(keysAfterPrefix('\uffff')).toBeUndefined();
    expect(keysAfterPrefix('x\ud83d\udcf7')).toBe('x\ud83d\udcf8'); // 📷 → 📸
    expect(keysAfterPrefix('x\udbff\udfff')).toBe('x\ue000'); // after U+10FFFF
    expect(keysAfterPrefix('x\ud7ff')).toBe('x\u{10000}');
    for (const prefix of ['x\ud83d\udfff', 'x\ud7ff', 'x\udbff\udfff'])
      expect(keysAfterPrefix(prefix)!.isWellFormed(), prefix).toBe(true);
  });
});

describe('instance ids and storage', () => {
  it('takes any id of up to 256 characters: escaped as DTFx escapes keys, it fits a table key (at most 1 KiB)', () => {
    const carets = '^'.repeat(256);
    expect(escapeKey(carets)).toBe('^'.repeat(512));
    expect(() => validateInstanceId(carets)).not.toThrow();
    expect(() => validateInstanceId('a'.repeat(257))).toThrow(/must not exceed 256 characters/);
    expect(() => validateInstanceId('a\ud800b')).toThrow(/lone UTF-16 surrogate/);
  });

  it('refuses an instanceIdPrefix no id could start with', () => {
    expect(() => validateInstanceIdPrefix('order-')).not.toThrow();
    expect(() => validateInstanceIdPrefix('x'.repeat(257))).toThrow(/longer than an instance ID/);
    expect(() => validateInstanceIdPrefix('a/b')).toThrow(/characters no instance ID can contain/);
  });
});
