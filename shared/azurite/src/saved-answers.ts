import type { ServerResponse } from 'node:http';

/**
 * Azurite keeps the metadata of blobs, queues and tables (which exist, every table row, every
 * message's state) in five LokiJS databases in memory, and LokiJS saves a database that changed
 * every 5 s (`autosaveInterval: 5000`, hard-coded in Azurite; no option or variable changes it).
 * So Azurite answers "done" before a write is on disk, and a `kill -9` loses the writes of the
 * last seconds, though their writers were told they were done.
 *
 * This makes Azurite answer only once what the answer reports is on disk: a response starts
 * only after every database that changed has been saved. Writes that arrive together wait for
 * the same save (LokiJS runs one save at a time and joins the calls that come in meanwhile).
 */

/** The parts of a LokiJS database this uses. */
interface Database {
  persistenceMethod: string | null;
  autosaveDirty(): boolean;
  throttledSavePending?: boolean;
  saveDatabase(callback?: (error?: unknown) => void): void;
}

export interface LokiConstructor {
  prototype: { autosaveEnable(...args: unknown[]): void };
}

/** The databases saved to files, and a wait for what changed in them to be on disk. */
export class SavedDatabases {
  readonly #databases = new Set<Database>();
  readonly #onError: ((error: unknown) => void) | undefined;

  constructor(onError?: (error: unknown) => void) {
    this.#onError = onError;
  }

  /** Collects every LokiJS database that saves itself to a file (all of Azurite's, on disk). */
  collect(Loki: LokiConstructor): void {
    const enable = Loki.prototype.autosaveEnable;
    const databases = this.#databases;
    Loki.prototype.autosaveEnable = function (this: Database, ...args: unknown[]) {
      if (this.persistenceMethod === 'fs') databases.add(this);
      enable.apply(this, args);
    };
  }

  /**
   * Undefined when nothing waits to be saved; otherwise resolves once every change made so far
   * is on disk. A save under way may have started before the last change, so it is followed by
   * one more.
   */
  whenSaved(): Promise<void> | undefined {
    const saves: Promise<void>[] = [];
    for (const db of this.#databases) {
      if (!db.autosaveDirty() && !db.throttledSavePending) continue;
      saves.push(
        new Promise((resolve) =>
          db.saveDatabase((error) => {
            if (error) this.#onError?.(error);
            resolve();
          }),
        ),
      );
    }
    return saves.length > 0 ? Promise.all(saves).then(() => undefined) : undefined;
  }
}

type Response = ServerResponse & { [HELD]?: Array<() => void> | 'released' };
const HELD = Symbol('held until saved');

/**
 * Holds every HTTP response of this process at its first byte until `whenSaved` says what it
 * reports is on disk, then sends it as written. Reads wait too when a change is being saved, so
 * no one sees what a kill could still take back.
 */
export function holdAnswersUntilSaved(
  response: typeof ServerResponse.prototype,
  whenSaved: () => Promise<void> | undefined,
): void {
  for (const name of ['write', 'end', 'flushHeaders'] as const) {
    const send = response[name] as (this: Response, ...args: unknown[]) => unknown;
    (response as unknown as Record<string, unknown>)[name] = function (this: Response, ...args: unknown[]) {
      if (this[HELD] === undefined) {
        const saved = whenSaved();
        if (!saved) {
          this[HELD] = 'released';
        } else {
          const held: Array<() => void> = [];
          this[HELD] = held;
          void saved.then(() => {
            this[HELD] = 'released';
            for (const call of held) call();
          });
        }
      }
      const held = this[HELD];
      if (held === 'released') return send.apply(this, args);
      held!.push(() => send.apply(this, args));
      // As a stream that took the chunk: write → true (no backpressure while held), end → this.
      return name === 'write' ? true : name === 'end' ? this : undefined;
    };
  }
}
