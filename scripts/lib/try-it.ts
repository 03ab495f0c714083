// The request `npm start -- NN` suggests once the host listens: the first one of the lab guide's
// "Run it" table, which says what it answers. (It used to be the app's first HTTP function with
// no query, which most labs answer 400, and lab 05 and on never start a job with.)

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { guidePath, repoRoot, type Lab } from './manifest.ts';

/** The origin the guides write their requests for. */
const GUIDE_ORIGIN = 'http://127.0.0.1:7071';

/** The guide's first `curl …` in its "## Run it" section, pointed at `origin`; undefined when it has none. */
export function tryItCommand(lab: Lab, origin: string): string | undefined {
  const guide = readFileSync(join(repoRoot, guidePath(lab)), 'utf8');
  const start = guide.search(/^## Run it$/m);
  if (start < 0) return undefined;
  const end = guide.slice(start + 1).search(/^## /m);
  const section = end < 0 ? guide.slice(start) : guide.slice(start, start + 1 + end);
  const command = /`(curl [^`]+)`/.exec(section)?.[1];
  return command?.replaceAll(GUIDE_ORIGIN, origin.replace(/\/+$/, ''));
}
