import { guideHints, hintsQuoting } from './guide-hints.ts';
import { guidePath, type Lab } from './manifest.ts';
import { findOrchestratorMistake, mistakeHint } from './orchestrator-mistake.ts';
import type { CheckFailure, CheckResult, ChecksRun } from './run-checks.ts';
import { formatTypeErrors, isSyntax } from './type-errors.ts';
import { bold, cyan, dim, green, red, yellow } from './style.ts';

const MAX_LINES = 12;

function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

/** Keeps what a learner needs from a failure: the message, expected and actual; no stack. */
export function describeFailure(failure: CheckFailure): string {
  const lines = failure.message.split('\n').filter((l) => !/^\s+at /.test(l));
  let message = lines
    .slice(0, MAX_LINES)
    .join('\n')
    .replace(/ \/\/ Object\.is equality$/, '');
  const shortValues = (failure.expected?.length ?? 0) < 400 && (failure.actual?.length ?? 0) < 400;
  const showValues = failure.expected !== undefined && failure.actual !== undefined && shortValues;
  // Vitest appends "expected 501 to be 200" to the check's own words; the lines below say it better.
  if (showValues) message = message.replace(/: expected [\s\S]* to [\s\S]*$/, '');
  const parts = [message];
  if (showValues) {
    parts.push(`${green('expected:')} ${failure.expected}`, `${red('actual:  ')} ${failure.actual}`);
  }
  return parts.join('\n');
}

function mark(check: CheckResult): string {
  if (check.state === 'passed') return green('✓');
  if (check.state === 'failed') return red('✗');
  return yellow('–');
}

/**
 * A load error the compiler's list already names: the app's file did not parse, and tsc reports
 * the same file with an error of the same code. Said once, in tsc's list, with every line it found.
 */
function toldByTheCompiler(error: CheckFailure, run: ChecksRun): boolean {
  // The host's compiler says [TSnnnn]; Node's own parser ("Unexpected strict mode reserved word",
  // a `yield` left in an async function) has no code and no line: any syntax error tsc lists in
  // that file is the one.
  const load = /^Could not load (\S+): SyntaxError(?: \[TS(\d+)\])?/.exec(error.message);
  if (!load) return false;
  const [, file, code] = load;
  return (run.typecheck?.errors ?? []).some(
    (e) => (code ? e.code === Number(code) : isSyntax(e.code)) && e.file.replaceAll('\\', '/').endsWith(`/${file}`),
  );
}

/** The guide's hint that quotes this failure, if one does: the more specific help, by number. */
function guideHintFor(lab: Lab, failure: string): number | undefined {
  try {
    return hintsQuoting(guideHints(lab), failure)[0];
  } catch {
    return undefined;
  }
}

/** What `npm run hint -- NN` needs of a verdict: the mistake it named, or its first failure's guide hint. */
export interface VerdictHint {
  mistake?: string;
  /** The guide's hint that quotes the first failure, by number. */
  hint?: number;
}

/** The mistake the verdict names at its top, else the guide's hint that quotes its first failure. */
export function hintForFirstFailure(lab: Lab, run: ChecksRun): VerdictHint {
  const first = run.checks.find((c) => c.state === 'failed');
  if (run.passed || !first) return {};
  const mistake = findOrchestratorMistake(lab, run);
  if (mistake) return { mistake: mistake.what };
  const hint = guideHintFor(lab, describeFailure(first.error ?? { message: '' }));
  return hint === undefined ? {} : { hint };
}

export function formatVerdict(
  lab: Lab,
  appLabel: string,
  run: ChecksRun,
  next: Lab | undefined,
  watching = false,
): string {
  const out: string[] = [];
  out.push(bold(`Lab ${lab.id} · ${lab.title}`), dim(`checking ${appLabel}`));
  // A switch left on from a step of the guide: the checks set their own, `npm start` would not.
  if (run.localSwitches?.length) {
    out.push(
      yellow(
        `Note: ${appLabel}/local.settings.json turns on ${run.localSwitches.join(', ')}; the checks ignore it (each sets the switches it needs), npm start does not. Take it out when you are done watching.`,
      ),
    );
  }
  out.push('');
  for (const check of run.checks) out.push(`  ${mark(check)} ${check.title}`);
  // Checks that neither passed nor failed (their block's set-up failed first) are not failures.
  const notRun = run.checks.filter((c) => c.state !== 'passed' && c.state !== 'failed').length;
  if (notRun > 0) out.push(dim('  (– did not run)'));
  out.push('');

  if (run.passed && appLabel.startsWith('solutions/')) {
    // --solution proves the machine, not the learner's progress (the rehearsal read "Checkpoint
    // 05 reached", then npm start's "0 of 13 checkpoints").
    out.push(
      green(bold(`✓ The solution of lab ${lab.id} passes all ${run.checks.length} checks.`)),
      dim(`Your own checkpoint ${lab.id} counts when npm run lab:${lab.id} passes on labs/${lab.slug}.`),
    );
    return out.join('\n');
  }
  if (run.passed) {
    out.push(green(bold(`✓ Checkpoint ${lab.id} reached: all ${run.checks.length} checks pass.`)));
    if (next) {
      out.push(
        `Next: lab ${next.id} · ${next.title}`,
        `      read ${cyan(guidePath(next))}, then run ${cyan(`npm run lab:${next.id}`)}`,
      );
    } else {
      out.push('That was the last lab. Well done!');
    }
    return out.join('\n');
  }

  const failed = run.checks.filter((c) => c.state === 'failed');
  // The classic mistake, whichever check it broke first: named before anything else, and the hint.
  const mistake = findOrchestratorMistake(lab, run);
  // Its hint and guide are said here, once: the failing check below follows from it.
  if (mistake) {
    const where = mistake.where ? ` (${cyan(mistake.where)})` : '';
    out.push(red(bold(`✗ ${mistake.what}`)) + where, `  ${yellow('Hint:')} ${mistakeHint(mistake)}`);
    out.push(`  ${cyan('Read:')} ${mistake.guide}`, '');
  }
  const typeErrors = formatTypeErrors(run.typecheck, appLabel, mistake?.where);
  if (typeErrors.length > 0) out.push(...typeErrors, '');
  const told = run.errors.filter((error) => toldByTheCompiler(error, run));
  if (told.length > 0) {
    const listed = run.typecheck!.errors;
    const syntax = listed.every((e) => isSyntax(e.code)) ? 'syntax ' : '';
    const errors = `${syntax}${listed.length === 1 ? 'error' : 'errors'}`;
    out.push(red(bold(`✗ The checks could not run: the app does not load with the ${errors} above.`)), '');
  }
  for (const error of run.errors.filter((e) => !told.includes(e))) {
    out.push(red(bold('✗ The checks could not run:')), indent(describeFailure(error)), '');
  }
  if (failed.length > 0) {
    const didNotRun = notRun > 0 ? `, ${notRun} did not run` : '';
    out.push(bold(`Not yet: ${failed.length} of ${run.checks.length} checks failed${didNotRun}.`), '');
    // A typo the compiler names fails checks whose hints are about something else: the compiler
    // first. A named mistake already says what to fix first.
    if (typeErrors.length > 0 && !mistake)
      out.push(yellow('Fix the errors tsc lists above first: the failures below may only follow from them.'), '');
    const first = failed[0]!;
    out.push(red(`✗ ${first.title}`), indent(describeFailure(first.error ?? { message: 'failed' })));
    if (mistake) out.push(dim(`  (it follows from the mistake named at the top)`));
    else if (typeErrors.length > 0) {
      // Its hint is about what the check tests, and the failure may only follow from a typo tsc
      // names (the walkthrough: a missing import, and a hint that blamed new Date()).
      out.push(`  ${cyan('Read:')} ${first.guide ?? guidePath(lab)}`);
    } else {
      if (first.hint) out.push(`  ${yellow('Hint:')} ${first.hint}`);
      out.push(`  ${cyan('Read:')} ${first.guide ?? guidePath(lab)}`);
      // No mistake was named here: the hint that quotes the failure, without looking for one again.
      const more = guideHintFor(lab, describeFailure(first.error ?? { message: '' }));
      if (more) out.push(`  ${cyan('More:')} Hint ${more} in the guide: ${cyan(`npm run hint -- ${lab.id} ${more}`)}`);
    }
    if (failed.length > 1 && !mistake)
      out.push(
        '',
        dim(
          failed.length === 2
            ? 'Fix this one first; the other ✗ above gets its details once this one passes.'
            : `Fix this one first; the other ${failed.length - 1} ✗ above get their details once it passes.`,
        ),
      );
  } else if (typeErrors.length > 0 && run.errors.length === 0 && run.checks.every((c) => c.state === 'passed')) {
    out.push(bold(`Not yet: all ${run.checks.length} checks pass, but the type errors above would stop the build.`));
  } else if (run.checks.length === 0 && run.errors.length === 0) {
    out.push(red('No checks ran. Is the labs folder complete?'));
  }
  if (out.at(-1) !== '') out.push('');
  out.push(
    watching
      ? `Change your code in ${cyan(appLabel)} and save: the checks run again by themselves.`
      : `Change your code in ${cyan(appLabel)}, then run ${cyan(`npm run lab:${lab.id}`)} again.`,
  );
  return out.join('\n');
}
