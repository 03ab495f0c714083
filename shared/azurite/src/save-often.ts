/**
 * Azurite keeps the metadata of blobs, queues and tables in LokiJS databases, and LokiJS saves
 * a database that changed every 5 s (`autosaveInterval: 5000`, hard-coded in Azurite; no option
 * or variable changes it). A `kill -9` loses what was written since. This makes every database
 * that saves itself save much sooner, without letting a large database eat the CPU.
 */

/** How soon a change is saved, at the soonest, in milliseconds. */
export const SAVE_INTERVAL_MS = 100;

/**
 * At most this share of the time is spent saving while writes keep coming: a save of a large
 * database (a full History table: tens of MB, about 100 ms) waits 4 times as long as it took.
 */
export const MAX_SAVING_SHARE = 0.2;

/** The part of a LokiJS database the saving loop uses. */
export interface SavingDatabase {
  autosave: boolean;
  autosaveHandle: ReturnType<typeof setTimeout> | null;
  ignoreAutosave?: boolean;
  autosaveDirty(): boolean;
  saveDatabase(callback?: (error?: unknown) => void): void;
}

export interface LokiConstructor {
  prototype: { autosaveEnable(options?: unknown, callback?: unknown): void };
}

export interface SaveOptions {
  intervalMs?: number;
  maxShare?: number;
  /** Told when a save fails; the next one is tried as usual. */
  onError?: (error: unknown) => void;
  now?: () => number;
}

/**
 * Replaces LokiJS's autosave loop (a `setInterval` that saves a changed database) with one that
 * saves a changed database `intervalMs` after the last save ended, or later if that save was
 * slow, so saving takes at most `maxShare` of the time. `autosaveDisable` and `close` work as
 * before: they clear `autosaveHandle`, and `close` saves what changed.
 */
export function saveOften(Loki: LokiConstructor, options: SaveOptions = {}): void {
  const intervalMs = options.intervalMs ?? SAVE_INTERVAL_MS;
  const maxShare = options.maxShare ?? MAX_SAVING_SHARE;
  if (!(intervalMs > 0)) throw new RangeError(`The save interval must be a positive number of milliseconds, not ${intervalMs}.`);
  if (!(maxShare > 0 && maxShare <= 1)) throw new RangeError(`The share of time spent saving must be in (0, 1], not ${maxShare}.`);
  const now = options.now ?? (() => performance.now());
  Loki.prototype.autosaveEnable = function (this: SavingDatabase) {
    this.autosave = true;
    const schedule = (delay: number) => {
      this.autosaveHandle = setTimeout(tick, delay);
    };
    const tick = () => {
      if (!this.autosaveDirty() || this.ignoreAutosave) return schedule(intervalMs);
      const began = now();
      this.saveDatabase((error) => {
        if (error) options.onError?.(error);
        // autosaveDisable (or close) ran during the save: it cleared the handle; stop.
        if (this.autosaveHandle === null) return;
        const took = now() - began;
        schedule(Math.max(intervalMs, (took * (1 - maxShare)) / maxShare));
      });
    };
    schedule(intervalMs);
  };
}
