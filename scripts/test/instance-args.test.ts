import { describe, expect, it } from 'vitest';
import { instanceTarget } from '../lib/instance-args.ts';

describe('npm run history and payloads: which instance, in which task hub', () => {
  it('takes the lab first, as npm start, hint and diff do (the walkthrough typed `npm run history -- 06 <id>`)', () => {
    expect(instanceTarget({}, ['06', 'abc123'])).toEqual({
      instanceId: 'abc123',
      hub: 'Lab06',
      connection: 'UseDevelopmentStorage=true',
    });
    expect(instanceTarget({ lab: '06' }, ['abc123'])).toMatchObject({ instanceId: 'abc123', hub: 'Lab06' });
    expect(instanceTarget({ lab: '6' }, ['06', 'abc123'])).toMatchObject({ hub: 'Lab06' });
  });

  it('keeps an instance id that is only digits when it comes alone, and refuses two different labs', () => {
    expect(instanceTarget({}, ['42'])).toMatchObject({ instanceId: '42', hub: 'TestHubName' });
    expect(() => instanceTarget({ lab: '07' }, ['06', 'abc123'])).toThrow('Lab 06 or --lab 07? Name the lab once.');
  });
});
