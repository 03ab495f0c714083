// Bugs a lab's guide names, put back into a copy of its solution: the lab's checks must catch
// each one, with the check the guide says catches it (issue #15, item 2: guarding lab 10's
// setCustomStatus with !isReplaying, which the guide calls a bug, once reached the checkpoint).
// `npm test` runs these copies beside every lab's solution and starter.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { copyAppWith } from './app-files.ts';
import { repoRoot, solutionDir, type Lab } from './manifest.ts';

export interface LessonBug {
  labId: string;
  /** What the learner wrote, as the proof's title says it. */
  what: string;
  file: string;
  /** Puts the bug into the file's text; must change it. */
  put(text: string): string;
  /** The title of the check that must fail on it. */
  caughtBy: string;
}

export const LESSON_BUGS: readonly LessonBug[] = [
  {
    // Found by the newcomer walkthrough of issue #14: the job made no thumbnail, and this check
    // passed, comparing no thumbnails with no thumbnails.
    labId: '05',
    what: 'makeThumbnail called without yield, which the guide says waits for each activity',
    file: 'src/functions/thumbnail-orchestrator.ts',
    put: (text) =>
      text.replace(
        'yield context.df.callActivity(MAKE_THUMBNAIL, request)',
        'context.df.callActivity(MAKE_THUMBNAIL, request) as unknown as ThumbnailResult',
      ),
    caughtBy: 'running the job again makes no new thumbnails, only a second manifest',
  },
  {
    labId: '10',
    what: 'setCustomStatus guarded by !isReplaying, as the guide warns against',
    file: 'src/functions/thumbnail-orchestrator.ts',
    put: (text) =>
      text.replace(
        '    context.df.setCustomStatus({ ...progress, step: message });',
        '    if (!context.df.isReplaying) context.df.setCustomStatus({ ...progress, step: message });',
      ),
    caughtBy:
      'while a job with batchSize=2 runs, its custom status always shows a step: every episode sets it, replays included',
  },
];

export interface LessonBugCopy {
  bug: LessonBug;
  lab: Lab;
  dir: string;
  remove(): void;
}

/** A copy of the lab's solution with the bug in it, under .workshop/. */
export function lessonBugCopy(lab: Lab, bug: LessonBug): LessonBugCopy {
  const dir = join(repoRoot, '.workshop', `lesson-bug-${lab.id}`);
  copyAppWith(solutionDir(lab), dir, bug.file, bug.put, `lab ${lab.id}: the lesson bug "${bug.what}"`);
  return { bug, lab, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
