import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, ServerResponse, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { holdAnswersUntilSaved, SavedDatabases, type LokiConstructor } from '../src/saved-answers.ts';

// Azurite's own copy of LokiJS, as azurite-process.ts loads it.
const require = createRequire(import.meta.url);
const fromAzurite = createRequire(require.resolve('azurite/dist/src/azurite.js'));

interface Database {
  addCollection(name: string): { insert(doc: object): void };
  close(callback?: () => void): void;
}
type LokiClass = LokiConstructor & (new (file: string, options: object) => Database);

let folder: string;
const opened: Database[] = [];
const servers: Server[] = [];

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'saved-answers-'));
  // Every test gets LokiJS as it comes: collect() changes its prototype.
  delete require.cache[fromAzurite.resolve('lokijs')];
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => new Promise<void>((resolve) => db.close(() => resolve()))));
  for (const server of servers.splice(0)) server.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('holdAnswersUntilSaved', () => {
  /** A server whose responses are held by the given wait, answering `body` in two writes. */
  async function server(whenSaved: () => Promise<void> | undefined, body = ['hello, ', 'world']) {
    class HeldResponse extends ServerResponse {}
    holdAnswersUntilSaved(HeldResponse.prototype, whenSaved);
    const s = createServer({ ServerResponse: HeldResponse }, (_req, res) => {
      res.statusCode = 201;
      for (const part of body.slice(0, -1)) res.write(part);
      res.end(body.at(-1));
    });
    servers.push(s);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
  }

  it('answers at once when nothing waits to be saved', async () => {
    let asked = 0;
    const url = await server(() => {
      asked++;
      return undefined;
    });
    const res = await fetch(url);
    expect([res.status, await res.text(), asked]).toEqual([201, 'hello, world', 1]);
  });

  it('holds the whole answer until the save is done, then sends it as written', async () => {
    let saved!: () => void;
    const save = new Promise<void>((resolve) => (saved = resolve));
    let asked = 0;
    const url = await server(() => {
      asked++;
      return save;
    });
    let answered = false;
    const answer = fetch(url).then(async (res) => {
      answered = true;
      return [res.status, await res.text()];
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answered).toBe(false);
    saved();
    expect(await answer).toEqual([201, 'hello, world']);
    // Asked once, at the first byte; not again for the rest of the answer.
    expect(asked).toBe(1);
  });
});

describe('SavedDatabases', () => {
  function databases(onError?: (error: unknown) => void) {
    const saved = new SavedDatabases(onError);
    const Loki = fromAzurite('lokijs') as LokiClass;
    saved.collect(Loki);
    return {
      saved,
      // Azurite's options for a database on disk.
      open(name: string, dir = folder) {
        const file = join(dir, name);
        const db = new Loki(file, { persistenceMethod: 'fs', autosave: true, autosaveInterval: 5000 });
        opened.push(db);
        return { file, rows: db.addCollection('rows') };
      },
    };
  }

  const rowsOnDisk = (file: string): number =>
    existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as { collections: { data: unknown[] }[] }).collections[0]!.data.length
      : -1;

  it('has nothing to wait for when nothing changed since the last save', async () => {
    const { saved, open } = databases();
    open('a.json');
    await saved.whenSaved();
    expect(saved.whenSaved()).toBeUndefined();
  });

  it('resolves once a change is on disk', async () => {
    const { saved, open } = databases();
    const a = open('a.json');
    const b = open('b.json');
    await saved.whenSaved();
    a.rows.insert({ n: 1 });
    b.rows.insert({ n: 1 });
    const waiting = saved.whenSaved();
    expect(waiting).toBeInstanceOf(Promise);
    await waiting;
    expect([rowsOnDisk(a.file), rowsOnDisk(b.file)]).toEqual([1, 1]);
  });

  it('a change made while a save is under way waits for the next save', async () => {
    const { saved, open } = databases();
    const a = open('a.json');
    a.rows.insert({ n: 1 });
    const first = saved.whenSaved();
    // The first save has serialized one row; this one is not in it.
    a.rows.insert({ n: 2 });
    const second = saved.whenSaved();
    await first;
    await second;
    expect(rowsOnDisk(a.file)).toBe(2);
  });

  it('an answer given while a save is under way waits for that save', async () => {
    const { saved, open } = databases();
    const a = open('a.json');
    a.rows.insert({ n: 1 });
    const writer = saved.whenSaved();
    // A read now would show the row: it must not be answered before the row is on disk.
    const reader = saved.whenSaved();
    expect(reader).toBeInstanceOf(Promise);
    await reader;
    expect(rowsOnDisk(a.file)).toBe(1);
    await writer;
  });

  it('reports a save that fails, and does not hold answers for ever', async () => {
    const errors: unknown[] = [];
    const { saved, open } = databases((error) => errors.push(error));
    const a = open('a.json', join(folder, 'missing'));
    a.rows.insert({ n: 1 });
    await saved.whenSaved();
    expect(String(errors[0])).toMatch(/ENOENT/);
  });
});
