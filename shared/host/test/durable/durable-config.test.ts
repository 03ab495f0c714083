// host.json's extensions.durableTask settings as the extension reads them, app settings
// (AzureFunctionsJobHost__…) overriding host.json: here, maxQueuePollingInterval.

import { afterEach, describe, expect, it } from 'vitest';
import { readDurableConfig } from '../../src/durable/durable-config.ts';
import { tempApp, type TempApp } from '../helpers.ts';

const POLLING = 'AzureFunctionsJobHost__extensions__durableTask__storageProvider__maxQueuePollingInterval';

let app: TempApp | undefined;
afterEach(() => app?.remove());

function withHostJson(storageProvider: Record<string, unknown>): string {
  app = tempApp({ 'host.json': JSON.stringify({ version: '2.0', extensions: { durableTask: { storageProvider } } }) });
  return app.dir;
}

describe('storageProvider.maxQueuePollingInterval', () => {
  it('is read from host.json as a time span, and an app setting overrides it', () => {
    const dir = withHostJson({ maxQueuePollingInterval: '00:00:30' });
    expect(readDurableConfig(dir, {}).maxQueuePollingIntervalMs).toBe(30_000);
    expect(readDurableConfig(dir, { [POLLING]: '00:00:00.05' }).maxQueuePollingIntervalMs).toBe(50);
  });

  it('is left to the host when not set', () => {
    expect(readDurableConfig(withHostJson({}), {}).maxQueuePollingIntervalMs).toBeUndefined();
  });

  it('refuses what is not a time span of more than 0, naming the setting', () => {
    for (const value of ['30', '00:00:00', 'soon', 30]) {
      expect(() => readDurableConfig(withHostJson({ maxQueuePollingInterval: value }), {})).toThrow(
        /maxQueuePollingInterval must be a time span of more than 0/,
      );
      app?.remove();
    }
  });
});
