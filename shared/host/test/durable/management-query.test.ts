// The management API's input rules on their own, for the edges an HTTP round trip would not
// show: the instance id rules' boundary at the table key limit.

import { describe, expect, it } from 'vitest';
import { MAX_TABLE_KEY_LENGTH, validateInstanceId } from '../../src/durable/instance-id.ts';
import { escapeKey } from '../../src/durable/task-hub-storage.ts';

describe('instance ids and storage', () => {
  it('takes any id whose escaped key fits, and refuses one that does not', () => {
    const fits = 'a'.repeat(256);
    expect(() => validateInstanceId(fits)).not.toThrow();
    const carets = '^'.repeat(256);
    expect(escapeKey(carets).length).toBeGreaterThan(MAX_TABLE_KEY_LENGTH);
    expect(() => validateInstanceId(carets)).toThrow(/too long for storage/);
    expect(() => validateInstanceId('a\ud800b')).toThrow(/lone UTF-16 surrogate/);
  });
});
