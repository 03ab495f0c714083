// A wait for an instance says at once that an orchestrator is stuck in a loop that never yields
// (the host's warning after 10 s in one episode), rather than timing out about something else;
// an episode that was only slow, and ended, is not one.

import { describe, expect, it } from 'vitest';
import { runawayProblem } from '../src/durable.ts';

const warning = (id: string) =>
  `[host] Orchestration reviewOrchestrator (${id}) has run for 10 s in one episode. Orchestrator code only decides…\n`;
const episode = (id: string) => `[host] Orchestration reviewOrchestrator (${id}) episode 2: replayed 1 task(s)…\n`;

describe('runawayProblem', () => {
  it('names the loop, for the instance waited for', () => {
    expect(runawayProblem(`start\n${warning('a1')}`, 'a1')).toBe(
      'reviewOrchestrator (a1) has run for 10 s in one episode without giving control back: a loop that never yields. ' +
        'Every task must be yielded: yield context.df.Task.any([…]), yield context.df.callActivity(…), yield context.df.callEntity(…). ' +
        'A loop around a task that is not yielded spins for ever.',
    );
  });

  it('says that it blocks another instance too', () => {
    expect(runawayProblem(warning('a1'), 'b2')).toMatch(/blocks the worker, so b2 cannot run either\.$/);
  });

  it('says nothing for a slow episode that ended, or when there is no warning', () => {
    expect(runawayProblem(`${warning('a1')}${episode('a1')}`, 'a1')).toBeUndefined();
    expect(runawayProblem(episode('a1'), 'a1')).toBeUndefined();
    expect(runawayProblem(`${warning('a1')}${episode('a1')}${warning('c3')}`, 'a1')).toMatch(
      /^reviewOrchestrator \(c3\)/,
    );
  });
});

describe('runawayProblem, when the loop fills the heap before the 10 s warning', () => {
  const died = (id: string, attempt: number) =>
    `[host] Orchestration episode of instance ${id} was aborted and will be retried (attempt ${attempt}; after 5 its messages are poison and the instance is terminated): ` +
    `An internal error occurred while attempting to execute 'reviewOrchestrator': The Node worker process exited (SIGABRT) while it ran Functions.reviewOrchestrator (Id: x).\n`;

  it('names it from the second time the worker dies under the same episode', () => {
    expect(runawayProblem(died('a1', 1), 'a1')).toBeUndefined();
    expect(runawayProblem(`${died('a1', 1)}${died('a1', 2)}`, 'a1')).toMatch(
      /^reviewOrchestrator \(a1\) has run for ever in one episode without giving control back: a loop that never yields, until its worker died \(SIGABRT, 2 times/,
    );
  });

  it('says nothing once the episode ran after all', () => {
    expect(
      runawayProblem(`${died('a1', 2)}[host] Orchestration reviewOrchestrator (a1) episode 3: …\n`, 'a1'),
    ).toBeUndefined();
  });
});
