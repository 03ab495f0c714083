// Replay, one episode at a time: every episode the orchestrator runs from the top. The rows the
// earlier episodes wrote are replayed (context.df.isReplaying is true while the code passes them,
// and each yield gets its answer from history at once); the rows that woke this episode are new
// (isReplaying false from there on); the orchestrator then returns its actions, and the checkpoint
// writes them as new rows and sends their messages.

import type { EpisodeStep, HistoryRow, InstanceDetail } from '../src/wire.ts';
import { duration, h, time } from './dom.ts';

export function renderReplay(panel: HTMLElement, d: InstanceDetail, state: { replayStep: number }): void {
  const steps = d.episodes;
  if (steps.length === 0) {
    panel.append(h('p', { class: 'muted' }, 'No episode has run yet: the start message is still in the queue.'));
    return;
  }
  // From the first episode, as replay itself goes; a redraw (live update) keeps the step shown.
  if (state.replayStep < 0 || state.replayStep >= steps.length) state.replayStep = 0;
  const draw = () => {
    const step = steps[state.replayStep]!;
    panel.replaceChildren(
      h(
        'div',
        { class: 'stepper', role: 'group', 'aria-label': 'Episodes' },
        h(
          'button',
          { type: 'button', id: 'replay-first', disabled: state.replayStep === 0, onclick: () => go(0) },
          '« First',
        ),
        h(
          'button',
          {
            type: 'button',
            id: 'replay-previous',
            disabled: state.replayStep === 0,
            onclick: () => go(state.replayStep - 1),
          },
          '← Previous',
        ),
        h(
          'span',
          { class: 'step', 'aria-live': 'polite', id: 'replay-position', tabindex: -1, title: '← and → step too' },
          `Episode ${step.number} of ${steps.length}`,
        ),
        h(
          'button',
          {
            type: 'button',
            id: 'replay-next',
            disabled: state.replayStep === steps.length - 1,
            onclick: () => go(state.replayStep + 1),
          },
          'Next →',
        ),
        h(
          'button',
          {
            type: 'button',
            id: 'replay-last',
            disabled: state.replayStep === steps.length - 1,
            onclick: () => go(steps.length - 1),
          },
          'Last »',
        ),
      ),
      h('div', { class: 'replay' }, rowsPanel(d.history, step), explain(d, step)),
    );
  };
  const go = (index: number) => {
    state.replayStep = Math.max(0, Math.min(steps.length - 1, index));
    draw();
    document.getElementById('replay-position')?.focus();
  };
  stepBy = (delta) => go(state.replayStep + delta);
  draw();
}

/** The history as the orchestrator meets it in this episode: replayed rows, then the new ones. */
/** Steps the replay shown now; undefined when no replay is on screen. */
let stepBy: ((delta: number) => void) | undefined;

// ← and → step through the episodes wherever the focus is, but in a field being typed in.
document.addEventListener('keydown', (event) => {
  if (!stepBy || !document.getElementById('replay-position')) return;
  if (
    (event.target as HTMLElement).closest('input, textarea, select') ||
    event.altKey ||
    event.ctrlKey ||
    event.metaKey
  )
    return;
  if (event.key === 'ArrowRight') stepBy(1);
  else if (event.key === 'ArrowLeft') stepBy(-1);
});

function rowsPanel(history: HistoryRow[], step: EpisodeStep): HTMLElement {
  const mismatch = nonDeterministicTask(step);
  const rows = history.slice(0, step.rows[1] + 1).map((r) => {
    const role =
      r.seq < step.replayedRows
        ? 'replayed'
        : step.woke.includes(r.seq)
          ? 'new'
          : step.actions.includes(r.seq)
            ? 'decided'
            : 'bookkeeping';
    const says =
      mismatch !== undefined &&
      r.seq < step.replayedRows &&
      r.eventId === mismatch &&
      (r.type === 'TaskScheduled' || r.type === 'SubOrchestrationInstanceCreated');
    return h(
      'li',
      { class: `row row-${role}${says ? ' row-mismatch' : ''}`, 'data-role': role, 'data-seq': r.seq },
      h('span', { class: 'seq' }, r.seq),
      h('span', { class: 'type' }, r.type),
      h(
        'span',
        { class: 'what' },
        [
          r.name,
          r.eventId >= 0 ? `#${r.eventId}` : null,
          r.taskId !== undefined ? `answers #${r.taskId}` : null,
          r.status,
        ]
          .filter(Boolean)
          .join(' '),
      ),
      h('span', { class: 'role' }, ROLE_TEXT[role]),
    );
  });
  return h(
    'section',
    { class: 'replay-rows', 'aria-label': 'History in this episode' },
    h('h2', {}, 'The history, as this episode sees it'),
    h('ol', { class: 'rows' }, ...rows),
    h(
      'p',
      { class: 'legend' },
      h('span', { class: 'key key-replayed' }, 'replayed: isReplaying true'),
      h('span', { class: 'key key-new' }, 'new: woke the episode, isReplaying false'),
      h('span', { class: 'key key-decided' }, 'decided here: written by this episode'),
    ),
  );
}

const ROLE_TEXT: Record<string, string> = {
  replayed: 'replayed',
  new: 'new',
  decided: 'decided here',
  bookkeeping: 'bookkeeping',
};

function explain(d: InstanceDetail, step: EpisodeStep): HTMLElement {
  const history = d.history;
  const seen = step.seen;
  const describe = (seq: number) => {
    const r = history[seq];
    return r
      ? [
          r.type,
          r.name,
          r.eventId >= 0 ? `#${r.eventId}` : null,
          r.taskId !== undefined ? `(answers #${r.taskId})` : null,
        ]
          .filter(Boolean)
          .join(' ')
      : `row ${seq}`;
  };
  const list = (items: string[], empty: string) =>
    items.length === 0 ? h('p', { class: 'muted' }, empty) : h('ul', {}, ...items.map((item) => h('li', {}, item)));
  const mismatch =
    seen?.nonDeterminism ?? (step.outcome?.reason?.startsWith('Non-Deterministic') ? step.outcome.reason : undefined);
  return h(
    'section',
    { class: 'replay-explain', 'aria-label': 'What happened in this episode' },
    h(
      'h2',
      {},
      `Episode ${step.number}`,
      h(
        'span',
        { class: 'muted' },
        ` at ${time(step.at)}${seen ? `, ${duration(seen.durationMs)} from loading the history to the checkpoint` : ''}`,
      ),
    ),
    h('h3', {}, '1. What woke it'),
    list(step.woke.map(describe), 'Nothing new: no event in this episode.'),
    seen && seen.messages.length > 0
      ? h(
          'p',
          { class: 'muted' },
          `Queue messages: ${seen.messages.map((m) => `${m.event} from ${m.queue}${m.dequeueCount > 1 ? ` (dequeued ${m.dequeueCount} times)` : ''}`).join('; ')}.`,
        )
      : null,
    h('h3', {}, '2. What the orchestrator did'),
    seen && !seen.ran
      ? h(
          'p',
          {},
          step.outcome?.status === 'Terminated'
            ? 'Nothing: a terminated instance ends without running the orchestrator again.'
            : 'Nothing: the instance is suspended; the events wait in its history until it resumes.',
        )
      : h(
          'div',
          {},
          h(
            'p',
            {},
            `Ran from the top. It replayed ${step.replayedRows} history row(s)${seen ? `; tasks answered from history: ${seen.replayed.length === 0 ? 'none' : seen.replayed.map(task).join(', ')}` : ''}.`,
          ),
          seen && seen.answered.length > 0
            ? h('p', {}, `New results it received: ${seen.answered.map(task).join(', ')}.`)
            : null,
          h('p', {}, 'Actions it returned:'),
          mismatch
            ? h(
                'p',
                { class: 'muted' },
                'None kept: replay stopped at the mismatch, and the engine failed the instance instead of using them.',
              )
            : list(
                seen
                  ? [...seen.scheduled.map(task), ...(seen.completion ? [`complete as ${seen.completion}`] : [])]
                  : step.actions.map(describe),
                'none: it waits for what it already scheduled.',
              ),
        ),
    mismatch
      ? h(
          'div',
          { class: 'mismatch', role: 'alert' },
          h('h3', {}, 'Replay found non-determinism'),
          h(
            'p',
            {},
            'The history said one thing, the code did another this time (the row marked in red is what the history said):',
          ),
          h('p', { class: 'quote' }, mismatch),
        )
      : null,
    h('h3', {}, '3. What the checkpoint wrote'),
    h(
      'p',
      {},
      `History rows ${step.rows[0]} to ${step.rows[1]} (${step.rows[1] - step.rows[0] + 1} rows, OrchestratorStarted to OrchestratorCompleted), then the Instances row.`,
    ),
    list(
      seen
        ? seen.checkpoint.messagesSent.map(task)
        : step.actions.flatMap((seq) => messageOf(history[seq], d.instance.parent !== undefined)),
      'No queue message.',
    ),
    step.outcome
      ? h(
          'p',
          { class: `outcome outcome-${step.outcome.status.toLowerCase()}` },
          `The execution ended: ${step.outcome.status}.`,
          step.outcome.reason && !mismatch ? h('span', { class: 'quote' }, ` ${step.outcome.reason}`) : null,
        )
      : null,
  );
}

/** The task id a non-determinism message names ("… with sequence number 2 …"). */
function nonDeterministicTask(step: EpisodeStep): number | undefined {
  const text = step.seen?.nonDeterminism ?? step.outcome?.reason ?? '';
  const match = /sequence number (\d+)/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * The queue message an action's row stands for, as the engine sends it: worked out from the
 * history when the host did not see the episode (it ran elsewhere, or before a restart).
 */
function messageOf(row: HistoryRow | undefined, hasParent: boolean): string[] {
  if (!row) return [];
  switch (row.type) {
    case 'TaskScheduled':
      return [`TaskScheduled ${row.name ?? ''} #${row.eventId} to the work-items queue`];
    case 'TimerCreated':
      return [`TimerFired #${row.eventId} to the instance's control queue, visible at ${row.fireAt ?? 'its due time'}`];
    case 'SubOrchestrationInstanceCreated':
      return [`ExecutionStarted ${row.name ?? ''} to the sub-orchestration ${row.instanceId ?? ''}`];
    case 'EventSent':
      return [`an event to ${row.instanceId ?? 'another instance'}`];
    case 'ExecutionCompleted':
      // Only a sub-orchestration's end is a message: its parent's result.
      return hasParent ? [`its result (${row.status ?? 'Completed'}) to the parent`] : [];
    default:
      return [];
  }
}

/** `makeThumbnail#3` as the host logs it, written as the rest of the page writes it: `makeThumbnail #3`. */
function task(name: string): string {
  return name.replace(/#(\d+)/, ' #$1');
}
