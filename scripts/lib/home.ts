import { guidePath, type Lab } from './manifest.ts';
import { readProgress, type Progress } from './progress.ts';
import { bold, cyan, dim, green, yellow } from './style.ts';

/** The learner's home: where they are, what is next, and the commands. */
export function formatHome(labs: Lab[], progress: Progress = readProgress()): string {
  const done = labs.filter((l) => progress.labs[l.id]?.passedAt);
  // The lab after the furthest checkpoint reached: a learner who skipped one (each lab starts from
  // the previous solution) is not sent back to it (the walkthrough, after labs 02-04, was told lab 01).
  const furthest = labs.findLastIndex((l) => progress.labs[l.id]?.passedAt);
  const current =
    labs.slice(furthest + 1).find((l) => !progress.labs[l.id]?.passedAt) ??
    labs.find((l) => !progress.labs[l.id]?.passedAt);
  const out: string[] = [bold('Azure Functions & Durable Functions in TypeScript — workshop'), ''];
  out.push(`Progress: ${done.length} of ${labs.length} checkpoints reached`, '');
  for (const lab of labs) {
    const state = progress.labs[lab.id];
    const mark = state?.passedAt ? green('✓') : lab === current ? yellow('▶') : dim('·');
    const note = state?.passedAt ? '' : state?.lastRunAt ? dim('  (checks ran, not passing yet)') : '';
    out.push(`  ${mark} ${lab.id}  ${lab.title}${note}`);
  }
  out.push('');
  if (current) {
    out.push(`${bold('Now:')} lab ${current.id} · ${current.title}`, `     read ${cyan(guidePath(current))}`);
  } else {
    out.push(green('Every checkpoint reached. Well done!'));
  }
  const id = current?.id ?? labs[0]?.id ?? '01';
  out.push(
    '',
    bold('Commands'),
    `  ${cyan(`npm run lab:${id}`)}              check your work (add ${cyan('-- --watch')} to re-check on save)`,
    `  ${cyan(`npm start -- ${id}`)}             serve your lab at http://127.0.0.1:7071`,
    `  ${cyan(`npm run hint -- ${id}`)}          a hint, one at a time`,
    `  ${cyan(`npm run diff -- ${id}`)}          your lab next to the solution`,
    `  ${cyan(`npm run lab:${id} -- --reset`)}   start the lab again (your work is backed up)`,
    '',
    dim("Each lab starts from the previous lab's solution: fell behind? Just open the next lab."),
  );
  return out.join('\n');
}
