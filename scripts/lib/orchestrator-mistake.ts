// The classic Durable Functions mistake, named in the verdict (issue #12, item 3): an
// orchestrator written with async/await instead of function*/yield. Without this, the verdict
// showed whichever check failed first (a crashed worker, a Failed instance with the SDK's
// "this.generator.next is not a function") with that check's hint, which points elsewhere.
//
// Two witnesses, either enough: the compiler's view of the app (typecheck-app.ts finds
// `df.app.orchestration(name, handler)` whose handler is not a generator function, even behind a
// cast), and the host's (the worker names the mistake in the instance's output, so a check that
// quotes the output carries it).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATOR_RULE } from '../../shared/host/src/worker/not-a-generator.ts';
import { NEVER_YIELDS } from '../../shared/testkit/src/never-yields.ts';
import { repoRoot, type Lab } from './manifest.ts';
import type { ChecksRun } from './run-checks.ts';
import { locationOf } from './type-errors.ts';

export { GENERATOR_RULE };

export interface OrchestratorMistake {
  /** e.g. "thumbnailOrchestrator is an async function". */
  what: string;
  /** `labs/05-…/src/functions/x.ts:29`, when the compiler found it. */
  where?: string;
  /** e.g. "Step 3", or "Step 3 of lab 05" when this lab's guide does not explain it. */
  step: string;
  /** The guide section: a path from the repo root, with an anchor. */
  guide: string;
  /** The verdict's hint, when it is not the generator rule. */
  hint?: string;
}

/** The lab whose guide explains function* and yield, for labs whose own guide does not. */
const FIRST_ORCHESTRATION = '05-first-orchestration';
/** The SDK's message for an async orchestrator: the guide that explains the mistake quotes it. */
const QUOTED = 'generator.next is not a function';

/** GitHub's heading anchor, as the guides' links use it: "Step 3 — The x" → "step-3-the-x". */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .trim()
    .replace(/[ -]+/g, '-');
}

/** The `## Step N` section of a lab's guide that explains the mistake (it quotes the SDK's message). */
function sectionExplaining(slugOfLab: string): { step: string; guide: string } | undefined {
  const path = `labs/${slugOfLab}/README.md`;
  let text: string;
  try {
    text = readFileSync(join(repoRoot, path), 'utf8');
  } catch {
    return undefined;
  }
  let heading: { step: string; anchor: string } | undefined;
  let explicitAnchor: string | undefined;
  for (const line of text.split('\n')) {
    const anchor = /^<a id="([^"]+)"><\/a>\s*$/.exec(line);
    if (anchor) {
      explicitAnchor = anchor[1];
      continue;
    }
    const h2 = /^## (.+)$/.exec(line);
    if (h2) {
      const title = h2[1]!.trim();
      heading = { step: /^Step \d+/.exec(title)?.[0] ?? title, anchor: explicitAnchor ?? slug(title) };
    } else if (line.includes(QUOTED) && heading) {
      return { step: heading.step, guide: `${path}#${heading.anchor}` };
    }
    if (line.trim() !== '') explicitAnchor = undefined;
  }
  return undefined;
}

/** Where the verdict sends a learner who wrote an async orchestrator in `lab`. */
export function generatorGuide(lab: Lab): { step: string; guide: string } {
  const own = sectionExplaining(lab.slug);
  if (own) return own;
  const first = sectionExplaining(FIRST_ORCHESTRATION);
  if (first) return { step: `${first.step} of lab ${FIRST_ORCHESTRATION.slice(0, 2)}`, guide: first.guide };
  return { step: 'lab 05', guide: `labs/${FIRST_ORCHESTRATION}/README.md` };
}

/** What the host said, in a check's message or an error: "<name> <what>: orchestrators must be…". */
const FROM_HOST = new RegExp(
  `(\\S+ (?:is an async function|is an async generator function|is not a generator function))[^:]*: ${GENERATOR_RULE.replace(/[.*+?^${}()|[\]\\`]/g, '\\$&')}`,
);

/**
 * The test kit's message for an orchestrator stuck in one episode (testkit durable.ts
 * runawayProblem): a task created in a loop and never yielded, so the loop spins for ever.
 */
const RUNAWAY = new RegExp(`(\\S+) \\(\\S+\\) has run for (?:\\d+ s|ever) ${NEVER_YIELDS}`);

/**
 * The compiler's word for a task used where its result belongs (`yield` left out): the
 * durable-functions task types, e.g. "Type 'Task' is missing the following properties from type
 * 'ThumbnailResult'", "Property 'length' does not exist on type 'Task'".
 */
const TASK_FOR_RESULT = /\btype '(?:Task|TimerTask|RetryableTask|WhenAllTask|WhenAnyTask)(?:<[^']*>)?'/i;

/** The mistake, when the compiler or the host saw it in this run; undefined otherwise. */
export function findOrchestratorMistake(lab: Lab, run: ChecksRun): OrchestratorMistake | undefined {
  const guide = generatorGuide(lab);
  const found = run.typecheck?.notGenerators[0];
  if (found) return { what: `${found.name} ${found.what}`, where: locationOf(found.file, found.line), ...guide };
  const task = run.typecheck?.errors.find((e) => TASK_FOR_RESULT.test(e.message));
  if (task)
    return {
      what: 'a task is used where its result belongs: yield is missing',
      where: locationOf(task.file, task.line),
      hint:
        "A task's result comes from yield: const made = yield context.df.callActivity(…). Without yield, " +
        `the orchestrator holds the Task itself, and the activity's result never reaches it. See ${guide.step}.`,
      ...guide,
    };
  const messages = [...run.errors, ...run.checks.flatMap((c) => (c.error ? [c.error] : []))].map((e) => e.message);
  for (const message of messages) {
    const said = FROM_HOST.exec(message);
    if (said) return { what: said[1]!, ...guide };
  }
  for (const message of messages) {
    const loop = RUNAWAY.exec(message);
    if (loop)
      return {
        what: `${loop[1]} never gives control back: a loop around a task that is not yielded`,
        hint:
          'Every task must be yielded: const winner = yield context.df.Task.any([…]), yield context.df.callActivity(…). ' +
          `Without yield, the task never runs and the loop spins for ever. See ${guide.step}.`,
        ...guide,
      };
  }
  return undefined;
}

/** The rule and where to read about it, as the verdict's hint says it. */
export function mistakeHint(mistake: OrchestratorMistake): string {
  return mistake.hint ?? `${GENERATOR_RULE[0]!.toUpperCase()}${GENERATOR_RULE.slice(1)}: see ${mistake.step}.`;
}
