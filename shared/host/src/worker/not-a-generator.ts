// The classic Durable Functions mistake: an orchestrator written with `async`/`await` instead of
// `function*`/`yield`. The SDK calls the orchestrator, expects a generator back, and fails on its
// first `this.generator.next(…)` ("this.generator.next is not a function"), which names neither
// the mistake nor its fix. The worker recognises that failure, looks at what the orchestrator
// returned (a Promise: an async function; an async generator; anything else: not a generator),
// and puts the rule in front of the SDK's words, in the instance's output and in the host's log.
// The SDK is not patched: its failure stays what it is, only better worded.

import type { RegisteredFunction } from './functions-core.ts';

/** The rule, as the verdict of `npm run lab:NN` recognises it in a check's message. */
export const GENERATOR_RULE = 'orchestrators must be generator functions: `function*` and `yield`, not `async`/`await`';

/** The marker after which the durable SDK appends the orchestrator's state to its error (executor.ts reads it). */
const OUT_OF_PROC_DATA = '$OutOfProcData$:';

/** How the SDK (durable-functions 3.x) fails when the orchestrator gave it no generator. */
const SDK_FAILURES = [
  /generator\.next is not a function/,
  /Cannot read properties of (undefined|null) \(reading 'next'\)/,
  /Orchestration yielded data of type undefined/,
];

/** What the orchestrator returned, where the SDK keeps it: `context.df` → its executor → `generator`. */
function returnedValue(context: unknown): { value: unknown } | undefined {
  const df = (context as { df?: { taskOrchestratorExecutor?: object } } | undefined)?.df;
  const executor = df?.taskOrchestratorExecutor;
  if (!executor || !('generator' in executor)) return undefined;
  return { value: (executor as { generator: unknown }).generator };
}

/** What is wrong with the orchestrator, from what it returned; undefined when it returned a generator. */
function whatItIs(returned: unknown): string | undefined {
  if (typeof (returned as { then?: unknown } | null | undefined)?.then === 'function') {
    return 'is an async function (it returned a Promise)';
  }
  if (Object.prototype.toString.call(returned) === '[object AsyncGenerator]') {
    return 'is an async generator function (`async function*`)';
  }
  if (typeof (returned as { next?: unknown } | null | undefined)?.next !== 'function') {
    const what = returned === null ? 'null' : Array.isArray(returned) ? 'an array' : typeof returned;
    return `is not a generator function (it returned ${what === 'undefined' ? 'undefined' : `a value of type ${what}`})`;
  }
  return undefined;
}

function isOrchestrator(fn: RegisteredFunction): boolean {
  return Object.values(fn.metadata.bindings).some((b) => String(b.type).toLowerCase() === 'orchestrationtrigger');
}

/**
 * When `error` is the SDK's failure for an orchestrator that is not a generator function,
 * returns the same failure with the mistake named first (the SDK's own words kept after it), and
 * the line for the log; otherwise undefined.
 */
export function explainNotAGenerator(
  fn: RegisteredFunction,
  context: unknown,
  error: unknown,
): { error: Error; log: string } | undefined {
  if (!isOrchestrator(fn) || !(error instanceof Error)) return undefined;
  const at = error.message.indexOf(OUT_OF_PROC_DATA);
  if (at < 0) return undefined;
  let state: { error?: unknown };
  try {
    state = JSON.parse(error.message.slice(at + OUT_OF_PROC_DATA.length)) as { error?: unknown };
  } catch {
    return undefined;
  }
  const sdkSaid = typeof state.error === 'string' ? state.error : '';
  if (!SDK_FAILURES.some((failure) => failure.test(sdkSaid))) return undefined;
  const returned = returnedValue(context);
  // Without the SDK's executor to look into, its message alone says the orchestrator gave it no generator.
  const what = returned ? whatItIs(returned.value) : 'is not a generator function';
  if (!what) return undefined;
  const explained = `${fn.name} ${what}: ${GENERATOR_RULE}. (The SDK said: ${sdkSaid})`;
  const better = new Error(
    `${error.message.slice(0, at)}${OUT_OF_PROC_DATA}${JSON.stringify({ ...state, error: explained })}`,
  );
  if (error.stack) better.stack = error.stack;
  // Its body still runs, on its own: the next error it throws is nobody's to catch.
  const after = what.startsWith('is an async function')
    ? ' Its body goes on running outside the SDK: an error it throws from here on ends the worker, as on Azure.'
    : '';
  return { error: better, log: `Orchestrator ${explained}${after}` };
}
