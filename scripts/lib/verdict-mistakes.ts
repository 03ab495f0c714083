// Proofs for `npm test` (issue #12, items 2 and 3): copies of a lab's solution with a mistake in
// them, run through the lab's checks, and the verdict a learner would read. A type error must be
// listed with its file and line (the checks alone run the code without its types), and an
// orchestrator written with async/await must be named, with the hint and the Read link on the
// guide's step that explains function* and yield, whichever check failed first.

import { appendFileSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { copyApp, firstFunctionFile } from './app-files.ts';
import { repoRoot, solutionDir, type Lab } from './manifest.ts';
import { generatorGuide, GENERATOR_RULE } from './orchestrator-mistake.ts';
import { runChecks } from './run-checks.ts';
import { formatVerdict } from './verdict.ts';

type Record = (ok: boolean, title: string, details?: string[]) => void;

/**
 * Which labs run which copy (each run is a lab's checks, 5–20 s): the mechanism is the same in
 * every lab, so lab 01 (the quickest) proves the type errors, and lab 05 (the case) the
 * async orchestrator. Every lab with an orchestrator has its guide step checked; what the verdict
 * makes of lab 06's and lab 08's steps is tested without a host (scripts/test/verdict-mistakes.test.ts).
 */
export const TYPE_ERROR_PROOF_LABS = new Set(['01']);
export const ASYNC_PROOF_LABS = new Set(['05']);

const ORCHESTRATOR_FILE = 'src/functions/thumbnail-orchestrator.ts';
/** The type error a learner's copy gets: a line the compiler refuses and Node's type stripping runs. */
const TYPE_ERROR = "\nexport const widthForNpmTest: number = '200';\n";

function copyOf(lab: Lab, name: string): string {
  const dir = join(repoRoot, '.workshop', `${name}-${lab.id}`);
  copyApp(solutionDir(lab), dir);
  return dir;
}

async function verdictFor(lab: Lab, dir: string): Promise<string> {
  const run = await runChecks({ lab, appDir: dir });
  // No colours (styleText drops them off a terminal): a plain text to search.
  return formatVerdict(lab, relative(repoRoot, dir), run, undefined).replace(/\x1b\[[0-9;]*m/g, '');
}

function excerpt(verdict: string): string[] {
  return verdict
    .split('\n')
    .filter((l) => /✗|Hint|Read|Not yet/.test(l))
    .slice(0, 8);
}

/** A type error in the lab's first function file: the verdict lists it with its file and line, and the checkpoint is not reached. */
export async function proveTypeErrorNamed(lab: Lab, record: Record): Promise<void> {
  const dir = copyOf(lab, 'type-error');
  try {
    const file = firstFunctionFile(dir);
    const line = readFileSync(join(dir, file), 'utf8').split('\n').length + 1;
    appendFileSync(join(dir, file), TYPE_ERROR);
    const verdict = await verdictFor(lab, dir);
    const at = `${relative(repoRoot, dir)}/${file}:${line}:`;
    const ok =
      verdict.includes('1 type error') &&
      verdict.includes(`${at}`) &&
      verdict.includes("Type 'string' is not assignable to type 'number'.") &&
      !verdict.includes('Checkpoint');
    record(
      ok,
      `lab ${lab.id}: a type error in ${file} is listed in the verdict (file:line, message)`,
      excerpt(verdict),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The orchestrator written with async/await: the verdict names the mistake and sends to the step that explains it. */
export async function proveAsyncOrchestratorNamed(lab: Lab, record: Record): Promise<void> {
  const dir = copyOf(lab, 'async-orchestrator');
  try {
    const path = join(dir, ORCHESTRATOR_FILE);
    const source = readFileSync(path, 'utf8');
    const line = source.split('\n').findIndex((l) => l.includes('= function* (')) + 1;
    writeFileSync(path, source.replace('= function* (', '= async function (').replace(/\byield\b/g, 'await'));
    const verdict = await verdictFor(lab, dir);
    const { step, guide } = generatorGuide(lab);
    const hint = `Hint: ${GENERATOR_RULE[0]!.toUpperCase()}${GENERATOR_RULE.slice(1)}: see ${step}.`;
    const ok =
      line > 0 &&
      verdict.includes(
        `✗ thumbnailOrchestrator is an async function (${relative(repoRoot, dir)}/${ORCHESTRATOR_FILE}:${line})`,
      ) &&
      verdict.includes(`${relative(repoRoot, dir)}/${ORCHESTRATOR_FILE}:${line}:`) &&
      verdict.includes(hint) &&
      verdict.includes(`Read: ${guide}`) &&
      !verdict.includes('Checkpoint');
    record(
      ok,
      `lab ${lab.id}: an async orchestrator is named in the verdict, with its type errors, and sent to ${step}`,
      excerpt(verdict),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every lab with an orchestrator sends an async one to a step of a guide that explains it (quotes the SDK's message). */
export function proveGeneratorGuide(lab: Lab, record: Record): void {
  const { step, guide } = generatorGuide(lab);
  const text = readFileSync(join(repoRoot, guide.split('#')[0]!), 'utf8');
  const ok = /^Step \d+/.test(step) && guide.includes('#') && text.includes('generator.next is not a function');
  record(ok, `lab ${lab.id}: an async orchestrator is sent to ${step} (${guide})`);
}

/** Does the lab's app register an orchestrator? */
export function hasOrchestrator(lab: Lab): boolean {
  const dir = join(solutionDir(lab), 'src', 'functions');
  return readdirSync(dir).some(
    (f) => f.endsWith('.ts') && readFileSync(join(dir, f), 'utf8').includes('.orchestration('),
  );
}

/**
 * The proofs of one lab: a type error (TYPE_ERROR_PROOF_LABS); for a lab with an orchestrator,
 * its guide step and, in ASYNC_PROOF_LABS, its orchestrator turned async (which brings type
 * errors too).
 */
export async function proveVerdictMistakes(lab: Lab, record: Record): Promise<void> {
  if (!hasOrchestrator(lab)) {
    if (TYPE_ERROR_PROOF_LABS.has(lab.id)) await proveTypeErrorNamed(lab, record);
    return;
  }
  proveGeneratorGuide(lab, record);
  if (ASYNC_PROOF_LABS.has(lab.id)) await proveAsyncOrchestratorNamed(lab, record);
}
