// Workshop-only (lab 08): replays "on another machine, a day later".
//
// In Azure an orchestrator's episodes run on whichever worker picks up the instance's control
// queue, minutes or days apart; every episode replays the code from the top. Code that reads
// the clock or a random source in the orchestrator then sees other values on replay than when
// it first ran, and may schedule other tasks: DTFx fails the instance ("Non-Deterministic
// workflow detected"). Locally, replays follow the first run within milliseconds on the same
// machine, so such code seems to work. With `WORKSHOP_DURABLE_PERTURB_REPLAY=true` every replay
// episode (history already holds past events) runs with:
//   - the wall clock one day ahead: `Date.now()`, `new Date()` (no arguments);
//   - another random source: `Math.random()`, `crypto.randomUUID()` (global and `node:crypto`).
// Only the orchestrator's own invocation sees this: the values are chosen through an
// AsyncLocalStorage store set around that one invocation, so activities, the engine and the
// storage SDKs keep the real clock and randomness. `context.df.currentUtcDateTime` and
// `context.df.newGuid()` come from the history and are unaffected, as on the real platform.

import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire, syncBuiltinESMExports } from 'node:module';

/** The app setting that turns the perturbation on. */
export const PERTURB_REPLAY_SETTING = 'WORKSHOP_DURABLE_PERTURB_REPLAY';
/** How far ahead the clock of a replay is. */
export const REPLAY_CLOCK_SHIFT_MS = 24 * 60 * 60 * 1000;

interface Perturbation {
  readonly shiftMs: number;
  readonly random: () => number;
}

const current = new AsyncLocalStorage<Perturbation>();
let installed = false;

export function perturbReplayEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(true|1)$/i.test(env[PERTURB_REPLAY_SETTING] ?? '');
}

/** mulberry32: a small seeded generator, so a replay's random source differs from the first run's. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuidFrom(random: () => number): `${string}-${string}-${string}-${string}-${string}` {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Replaces Date, Math.random and randomUUID with versions that consult the current perturbation (once per process). */
function install(): void {
  if (installed) return;
  installed = true;
  const RealDate = Date;
  const realNow = Date.now.bind(Date);
  const realRandom = Math.random.bind(Math);
  const nodeCrypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  const realUuid = nodeCrypto.randomUUID.bind(nodeCrypto);

  const now = () => {
    const p = current.getStore();
    return p ? realNow() + p.shiftMs : realNow();
  };
  class ReplayDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now());
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return now();
    }
    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof RealDate;
    }
  }
  // Called as a function (`Date()`), Date returns the current time as a string.
  const DateFunction = new Proxy(ReplayDate, {
    apply: () => new RealDate(now()).toString(),
  });
  globalThis.Date = DateFunction as DateConstructor;
  Math.random = () => current.getStore()?.random() ?? realRandom();
  const randomUUID = ((options?: { disableEntropyCache?: boolean }) => {
    const p = current.getStore();
    return p ? uuidFrom(p.random) : realUuid(options);
  }) as typeof nodeCrypto.randomUUID;
  nodeCrypto.randomUUID = randomUUID;
  syncBuiltinESMExports();
  if (globalThis.crypto) {
    Object.defineProperty(globalThis.crypto, 'randomUUID', { value: randomUUID, configurable: true, writable: true });
  }
}

let episodes = 0;

/**
 * Runs one orchestrator invocation. When the setting is on and the episode replays past
 * events, the invocation sees the clock a day ahead and another random source.
 */
export function runOrchestratorEpisode<T>(isReplaying: boolean, invoke: () => Promise<T>): Promise<T> {
  if (!isReplaying || !perturbReplayEnabled()) return invoke();
  install();
  episodes += 1;
  const perturbation: Perturbation = { shiftMs: REPLAY_CLOCK_SHIFT_MS, random: seededRandom(0x5eed + episodes * 7919) };
  return current.run(perturbation, invoke);
}
