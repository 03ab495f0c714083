import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveOften, type LokiConstructor } from '../src/save-often.ts';

// Azurite's own copy of LokiJS, as azurite-process.ts loads it.
const require = createRequire(import.meta.url);
const fromAzurite = createRequire(require.resolve('azurite/dist/src/azurite.js'));

interface Collection {
  insert(doc: object): void;
  count(): number;
}
interface Database {
  addCollection(name: string): Collection;
  autosaveDisable(): void;
  close(callback?: () => void): void;
  serialize(): string;
}
type LokiClass = LokiConstructor & (new (file: string, options: object) => Database);

const INTERVAL_MS = 20;
let folder: string;
const open: Database[] = [];

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'save-often-'));
  // Every test gets LokiJS as it comes: saveOften changes its prototype.
  delete require.cache[fromAzurite.resolve('lokijs')];
});

afterEach(() => {
  for (const db of open.splice(0)) db.autosaveDisable();
  rmSync(folder, { recursive: true, force: true });
});

/** LokiJS with saveOften, and databases saving themselves to files as Azurite's do. */
function lokiSavingOften(options: Parameters<typeof saveOften>[1] = {}) {
  const Loki = fromAzurite('lokijs') as LokiClass;
  saveOften(Loki, { intervalMs: INTERVAL_MS, ...options });
  return (name: string, dir = folder) => {
    const file = join(dir, name);
    // Azurite's options: `persistenceMethod: 'fs', autosave: true, autosaveInterval: 5000`.
    const db = new Loki(file, { persistenceMethod: 'fs', autosave: true, autosaveInterval: 5000 });
    open.push(db);
    return { db, file, rows: db.addCollection('rows') };
  };
}

const savedRows = (file: string): number =>
  existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { collections: { data: unknown[] }[] }).collections[0]!.data.length : -1;

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Timed out.');
    await wait(2);
  }
}

describe('saveOften', () => {
  it('saves a change within the interval, not after 5 s', async () => {
    const { file, rows } = lokiSavingOften()('a.json');
    rows.insert({ n: 1 });
    const began = Date.now();
    await until(() => savedRows(file) === 1);
    expect(Date.now() - began).toBeLessThan(10 * INTERVAL_MS);
  });

  it('serializes every changed database in the same moment', async () => {
    const database = lokiSavingOften();
    const a = database('a.json');
    const b = database('b.json');
    // What both databases held at each serialization: in one round, the same.
    const seen: string[] = [];
    for (const { db } of [a, b]) {
      const serialize = db.serialize.bind(db);
      db.serialize = () => {
        seen.push(`${a.rows.count()}/${b.rows.count()}`);
        return serialize();
      };
    }
    // Writes to one database, then the other, each in its own turn, as requests arrive.
    for (let n = 0; n < 60; n++) {
      a.rows.insert({ n });
      await new Promise((resolve) => setImmediate(resolve));
      b.rows.insert({ n });
      await wait(1);
    }
    await until(() => savedRows(a.file) === 60 && savedRows(b.file) === 60);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(seen.length % 2).toBe(0);
    for (let i = 0; i < seen.length; i += 2) expect(seen[i + 1]).toBe(seen[i]);
  });

  it('does not save an unchanged database again', async () => {
    const { file, rows } = lokiSavingOften()('a.json');
    rows.insert({ n: 1 });
    await until(() => savedRows(file) === 1);
    rmSync(file);
    await wait(10 * INTERVAL_MS);
    expect(existsSync(file)).toBe(false);
  });

  it('stops with autosaveDisable, and close still saves what changed', async () => {
    const { db, file, rows } = lokiSavingOften()('a.json');
    db.autosaveDisable();
    rows.insert({ n: 1 });
    await wait(10 * INTERVAL_MS);
    expect(savedRows(file)).toBe(-1);
    await new Promise<void>((resolve) => db.close(resolve));
    expect(savedRows(file)).toBe(1);
  });

  it('reports a failed save and saves the change when it can', async () => {
    const errors: unknown[] = [];
    const missing = join(folder, 'not-yet');
    const { file, rows } = lokiSavingOften({ onError: (error) => errors.push(error) })('a.json', missing);
    rows.insert({ n: 1 });
    await until(() => errors.length > 0);
    expect(String(errors[0])).toMatch(/ENOENT/);
    mkdirSync(missing);
    await until(() => savedRows(file) === 1);
  });

  it('refuses intervals that are not positive', () => {
    const Loki = fromAzurite('lokijs') as LokiClass;
    expect(() => saveOften(Loki, { intervalMs: 0 })).toThrow(RangeError);
    expect(() => saveOften(Loki, { intervalMs: Number.NaN })).toThrow(RangeError);
  });
});
