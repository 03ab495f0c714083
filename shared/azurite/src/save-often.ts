import { renameSync, writeFile } from 'node:fs';

/**
 * Azurite keeps the metadata of blobs, queues and tables in five LokiJS databases (a file each,
 * `__azurite_db_*.json`), and LokiJS saves a database that changed every 5 s, each on its own
 * timer (`autosaveInterval: 5000`, hard-coded in Azurite; no option or variable changes it). A
 * `kill -9` loses what was written since. This saves them much sooner, and together:
 *
 * - one loop for all databases: within SAVE_INTERVAL_MS of a change, every database that changed
 *   is serialized in the same turn of the event loop, so the files are a snapshot of one moment.
 *   Saved one by one, a queue could be saved after a message was deleted while the table that
 *   recorded it was saved before: the Durable Task Framework's order (messages, then history,
 *   then the delete) would not hold on disk, and an orchestration would wait for good;
 * - the new files are written beside the old ones, then all renamed in one go;
 * - a slow round (large databases) makes the next one wait 4 times as long as it took, so
 *   saving takes at most a fifth of the time.
 */

/** How soon a change is saved, at the soonest, in milliseconds. */
export const SAVE_INTERVAL_MS = 100;

/** At most this share of the time goes to saving while writes keep coming. */
export const MAX_SAVING_SHARE = 0.2;

type Callback = (error?: unknown) => void;

/** The parts of a LokiJS database and of its file adapter this uses. */
interface SavingDatabase {
  autosave: boolean;
  collections: { dirty: boolean }[];
  ignoreAutosave?: boolean;
  persistenceMethod: string | null;
  persistenceAdapter: { saveDatabase(file: string, serialized: string, callback: Callback): void } | null;
  autosaveDirty(): boolean;
  saveDatabase(callback?: Callback): void;
}

export interface LokiConstructor {
  prototype: { autosaveEnable(options?: unknown, callback?: unknown): void; autosaveDisable(): void };
}

export interface SaveOptions {
  intervalMs?: number;
  maxShare?: number;
  /** Told when a save fails; the file stays as it was, and the next round tries again. */
  onError?: (error: unknown) => void;
}

/**
 * Makes every LokiJS database that saves itself to a file (`autosave`, the `fs` adapter) save
 * in the loop above instead of on its own timer. `autosaveDisable` and `close` work as before
 * (`close` saves what changed), and so do explicit `saveDatabase` calls.
 */
export function saveOften(Loki: LokiConstructor, options: SaveOptions = {}): void {
  const intervalMs = options.intervalMs ?? SAVE_INTERVAL_MS;
  const maxShare = options.maxShare ?? MAX_SAVING_SHARE;
  if (!(intervalMs > 0)) throw new RangeError(`The save interval must be a positive number of milliseconds, not ${intervalMs}.`);
  if (!(maxShare > 0 && maxShare <= 1)) throw new RangeError(`The share of time spent saving must be in (0, 1], not ${maxShare}.`);
  const rounds = new SaveRounds(intervalMs, maxShare, options.onError);
  const disable = Loki.prototype.autosaveDisable;
  Loki.prototype.autosaveEnable = function (this: SavingDatabase) {
    this.autosave = true;
    rounds.add(this);
  };
  Loki.prototype.autosaveDisable = function (this: SavingDatabase) {
    rounds.delete(this);
    disable.call(this);
  };
}

interface PendingFile {
  file: string;
  serialized: string;
  done: Callback;
}

class SaveRounds {
  readonly #databases = new Set<SavingDatabase>();
  readonly #intervalMs: number;
  readonly #maxShare: number;
  readonly #onError: ((error: unknown) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** While a round asks its databases to save, the files they hand over, to write together. */
  #collecting: PendingFile[] | undefined;

  constructor(intervalMs: number, maxShare: number, onError?: (error: unknown) => void) {
    this.#intervalMs = intervalMs;
    this.#maxShare = maxShare;
    this.#onError = onError;
  }

  add(db: SavingDatabase): void {
    if (db.persistenceMethod !== 'fs' || !db.persistenceAdapter || this.#databases.has(db)) return;
    this.#databases.add(db);
    const adapter = db.persistenceAdapter;
    const saveAlone = adapter.saveDatabase.bind(adapter);
    // LokiJS serializes the database and hands the text to its adapter at once, in the same
    // turn: a round collects the texts; a save outside a round (Azurite's own, at start and at
    // close) goes to disk as LokiJS writes it.
    adapter.saveDatabase = (file, serialized, done) => {
      if (this.#collecting) this.#collecting.push({ file, serialized, done });
      else saveAlone(file, serialized, done);
    };
    this.#timer ??= this.#schedule(this.#intervalMs);
  }

  delete(db: SavingDatabase): void {
    this.#databases.delete(db);
    if (this.#databases.size === 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #schedule(delay: number): NodeJS.Timeout {
    // Azurite's servers keep its process alive; this loop must not keep it from ending.
    return setTimeout(() => void this.#round(), delay).unref();
  }

  async #round(): Promise<void> {
    const began = performance.now();
    const changed = [...this.#databases].filter((db) => db.autosaveDirty() && !db.ignoreAutosave);
    const saved: Promise<void>[] = [];
    this.#collecting = [];
    try {
      for (const db of changed) {
        saved.push(new Promise((resolve) => db.saveDatabase((error) => {
          if (error) {
            this.#onError?.(error);
            // LokiJS took the changes as saved when it serialized them: mark them again.
            for (const collection of db.collections) collection.dirty = true;
          }
          resolve();
        })));
      }
    } finally {
      const files = this.#collecting;
      this.#collecting = undefined;
      void writeTogether(files);
    }
    await Promise.all(saved);
    if (this.#databases.size === 0) return;
    const took = performance.now() - began;
    this.#timer = this.#schedule(Math.max(this.#intervalMs, (took * (1 - this.#maxShare)) / this.#maxShare));
  }
}

/**
 * Writes each file beside the one it replaces (`name~`, as LokiJS does), then renames them all
 * in one go: a `kill -9` leaves the old files or the new ones. Extent databases first: metadata
 * that names an extent its extent database does not know fails to read (500), while an extent
 * nothing names is only removed later by Azurite's clean-up.
 */
async function writeTogether(files: PendingFile[]): Promise<void> {
  const written = await Promise.all(
    files.map((f) => new Promise<unknown>((resolve) => writeFile(`${f.file}~`, f.serialized, (error) => resolve(error ?? undefined)))),
  );
  const order = files.map((f, i) => ({ ...f, error: written[i] })).sort((a, b) => Number(isExtentDb(b.file)) - Number(isExtentDb(a.file)));
  for (const f of order) {
    if (f.error) continue;
    try {
      renameSync(`${f.file}~`, f.file);
    } catch (error) {
      f.error = error;
    }
  }
  for (const f of order) f.done(f.error);
}

const isExtentDb = (file: string) => /_extent__\.json$/.test(file);
