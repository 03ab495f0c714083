import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeWhole } from '@workshop/host/disk-cache';
import { repoRoot } from './manifest.ts';

// The learner's progress, kept on their machine only (no account), in the git-ignored
// .workshop folder, so it survives restarts and never ends up in a commit.

export interface LabProgress {
  /** When the checks last passed on the learner's own folder. */
  passedAt?: string;
  lastRunAt?: string;
  lastPassed?: boolean;
  /** How many hints the learner has asked for. */
  hintsShown?: number;
  /** The guide's hint that quotes the last run's first failure, if one does. */
  lastHint?: number;
  /** The mistake the last run's verdict named at its top (an async orchestrator…), if it named one. */
  lastMistake?: string;
  /** The run (its lastRunAt) that `npm run hint` last showed lastHint for, and how many hints past it. */
  hintRun?: string | undefined;
  hintDepth?: number | undefined;
}

export interface Progress {
  labs: Record<string, LabProgress>;
}

export const progressFile = join(repoRoot, '.workshop', 'progress.json');

export function readProgress(): Progress {
  try {
    const parsed = JSON.parse(readFileSync(progressFile, 'utf8')) as Partial<Progress>;
    return { labs: parsed.labs ?? {} };
  } catch {
    return { labs: {} };
  }
}

/** Reads, changes and writes back atomically, so an interrupted write never loses progress. */
export function updateProgress(labId: string, change: (lab: LabProgress) => void): void {
  const progress = readProgress();
  const lab = (progress.labs[labId] ??= {});
  change(lab);
  writeWhole(progressFile, JSON.stringify(progress, null, 2) + '\n');
}
