import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { saveOften, type LokiConstructor } from '../src/save-often.ts';

// Azurite's own copy of LokiJS, as azurite-process.ts loads it.
const require = createRequire(import.meta.url);
const fromAzurite = createRequire(require.resolve('azurite/dist/src/azurite.js'));

interface Collection {
  insert(doc: object): void;
}
interface Database {
  addCollection(name: string): Collection;
  autosaveDisable(): void;
  close(callback?: () => void): void;
}
type LokiClass = LokiConstructor & (new (name: string, options: object) => Database);

/** A LokiJS persistence adapter that records when each save began, and takes `saveMs` to save. */
class SlowAdapter {
  readonly saves: number[] = [];
  readonly saveMs: number;
  constructor(saveMs: number) {
    this.saveMs = saveMs;
  }
  saveDatabase(_name: string, _serialized: string, callback: (error?: Error) => void): void {
    this.saves.push(Date.now());
    setTimeout(() => callback(), this.saveMs);
  }
  loadDatabase(_name: string, callback: (data: null) => void): void {
    callback(null);
  }
}

/** A fresh LokiJS, whose prototype saveOften may change, and a database saving itself as Azurite's do. */
function database(saveMs: number, options?: Parameters<typeof saveOften>[1]) {
  const Loki = fromAzurite('lokijs') as LokiClass;
  saveOften(Loki, options);
  const adapter = new SlowAdapter(saveMs);
  // Azurite's options, but for the adapter: `autosave: true, autosaveInterval: 5000`.
  const db = new Loki('test.json', { adapter, autosave: true, autosaveInterval: 5000 });
  return { db, adapter, rows: db.addCollection('rows') };
}

describe('saveOften', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    // Every test gets LokiJS as it comes: saveOften changes its prototype.
    delete require.cache[fromAzurite.resolve('lokijs')];
  });
  afterEach(() => vi.useRealTimers());

  it('saves a change within 100 ms, not 5 s', async () => {
    const { adapter, rows } = database(1);
    const start = Date.now();
    rows.insert({ n: 1 });
    await vi.advanceTimersByTimeAsync(150);
    expect(adapter.saves.map((at) => at - start)).toEqual([100]);
  });

  it('does not save an unchanged database', async () => {
    const { adapter } = database(1);
    await vi.advanceTimersByTimeAsync(150);
    // The new collection was a change.
    expect(adapter.saves).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(adapter.saves).toHaveLength(1);
  });

  it('saves a slow database less often: at most a fifth of the time goes to saving', async () => {
    const { adapter, rows } = database(200);
    const writes = setInterval(() => rows.insert({ n: 1 }), 10);
    await vi.advanceTimersByTimeAsync(5_000);
    clearInterval(writes);
    const gaps = adapter.saves.slice(1).map((at, i) => at - adapter.saves[i]!);
    // Each save takes 200 ms (and LokiJS's callback 1 ms more), then 4 times as long of rest.
    expect(new Set(gaps)).toEqual(new Set([201 + 804]));
  });

  it('stops with autosaveDisable, and close still saves what changed', async () => {
    const { db, adapter, rows } = database(1);
    db.autosaveDisable();
    rows.insert({ n: 1 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(adapter.saves).toHaveLength(0);
    db.close();
    await vi.advanceTimersByTimeAsync(10);
    expect(adapter.saves).toHaveLength(1);
  });

  it('does not start again when disabled during a save', async () => {
    const { db, adapter, rows } = database(50);
    rows.insert({ n: 1 });
    await vi.advanceTimersByTimeAsync(120);
    expect(adapter.saves).toHaveLength(1);
    db.autosaveDisable();
    rows.insert({ n: 2 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(adapter.saves).toHaveLength(1);
  });

  it('reports a failed save and tries again', async () => {
    const errors: unknown[] = [];
    const { adapter, rows } = database(1, { onError: (error) => errors.push(error) });
    let fail = true;
    const save = adapter.saveDatabase.bind(adapter);
    adapter.saveDatabase = (name, serialized, callback) => {
      if (!fail) return save(name, serialized, callback);
      fail = false;
      adapter.saves.push(Date.now());
      callback(new Error('disk full'));
    };
    rows.insert({ n: 1 });
    await vi.advanceTimersByTimeAsync(150);
    expect(errors).toEqual([new Error('disk full')]);
    rows.insert({ n: 2 });
    await vi.advanceTimersByTimeAsync(150);
    expect(adapter.saves).toHaveLength(2);
  });

  it('refuses intervals that are not positive', () => {
    const Loki = fromAzurite('lokijs') as LokiClass;
    expect(() => saveOften(Loki, { intervalMs: 0 })).toThrow(RangeError);
    expect(() => saveOften(Loki, { intervalMs: Number.NaN })).toThrow(RangeError);
  });
});
