// The timeline (Gantt) of an instance: one row per activity, timer, sub-orchestration and event,
// and the orchestrator's episodes. An activity's bar splits in two where the host picked its work
// item up: before, it waited in the queue (light); after, it ran (solid). The History table only
// knows when it was scheduled and when its result came; the pick-up time is the host's own record.

import type { InstanceDetail, TimelineBar } from '../src/wire.ts';
import { duration, h, svg, time } from './dom.ts';

const ROW = 26;
const LABEL = 190;
const WIDTH = 960;
const AXIS = 28;

export function renderTimeline(panel: HTMLElement, d: InstanceDetail): void {
  const bars = d.timeline;
  if (bars.length === 0) {
    panel.append(h('p', { class: 'muted' }, 'Nothing has been scheduled yet.'));
    return;
  }
  const t = (iso: string | undefined) => (iso ? new Date(iso).getTime() : NaN);
  const now = Date.now();
  const ends = bars.flatMap((b) => [t(b.start), t(b.pickedUp), t(b.end)]).filter((n) => !Number.isNaN(n));
  const t0 = Math.min(...ends);
  const open = bars.some((b) => !b.end);
  let t1 = Math.max(...ends, open ? Math.min(now, t0 + 24 * 3600_000) : 0);
  if (t1 - t0 < 10) t1 = t0 + 10;
  const span = t1 - t0;
  const x = (ms: number) => LABEL + ((ms - t0) / span) * (WIDTH - LABEL - 10);
  // The orchestrator's episodes share the first row: short runs between the work they schedule.
  const episodes = bars.filter((b) => b.kind === 'episode');
  const items = bars.filter((b) => b.kind !== 'episode');
  const rows: TimelineBar[][] = [...(episodes.length > 0 ? [episodes] : []), ...items.map((b) => [b])];
  const height = AXIS + rows.length * ROW + 10;
  const picture = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${height}`,
    class: 'timeline',
    role: 'img',
    'aria-label': `Timeline of ${items.length} items and ${episodes.length} episodes over ${duration(span)}`,
  });

  for (let k = 0; k <= 4; k++) {
    const at = t0 + (span * k) / 4;
    picture.append(
      svg('line', { x1: x(at), x2: x(at), y1: AXIS - 6, y2: height, class: 'grid' }),
      svg(
        'text',
        { x: x(at), y: 14, class: 'axis', 'text-anchor': k === 0 ? 'start' : k === 4 ? 'end' : 'middle' },
        `+${duration(at - t0)}`,
      ),
    );
  }
  rows.forEach((row, index) => {
    const y = AXIS + index * ROW;
    const first = row[0]!;
    picture.append(
      svg(
        'text',
        { x: 4, y: y + 16, class: 'label' },
        first.kind === 'episode'
          ? `orchestrator (${row.length} episode${row.length === 1 ? '' : 's'})`
          : truncate(first.label, 26),
      ),
    );
    for (const bar of row) drawBar(bar, y);
  });
  function drawBar(bar: TimelineBar, y: number) {
    const group = svg('g', {
      class: `bar bar-${bar.kind} outcome-${bar.outcome}`,
      'data-kind': bar.kind,
      ...(bar.taskId !== undefined ? { 'data-task': bar.taskId } : {}),
    });
    const start = t(bar.start);
    const end = Number.isNaN(t(bar.end)) ? t1 : t(bar.end);
    const picked = t(bar.pickedUp);
    const tip = svg('title', {}, describe(bar, start, picked, end));
    if (bar.kind === 'activity' && !Number.isNaN(picked)) {
      group.append(
        svg('rect', {
          x: x(start),
          y: y + 5,
          width: Math.max(2, x(picked) - x(start)),
          height: ROW - 10,
          class: 'wait',
        }),
        svg('rect', { x: x(picked), y: y + 5, width: Math.max(2, x(end) - x(picked)), height: ROW - 10, class: 'run' }),
      );
    } else if (bar.kind === 'event') {
      group.append(svg('circle', { cx: x(start), cy: y + ROW / 2, r: 5, class: 'point' }));
    } else {
      // An activity without a pick-up time: scheduled to done, wait and run not told apart.
      const kind = bar.kind === 'timer' ? 'timer' : bar.kind === 'activity' ? 'span' : 'run';
      group.append(
        svg('rect', { x: x(start), y: y + 5, width: Math.max(2, x(end) - x(start)), height: ROW - 10, class: kind }),
      );
    }
    group.append(tip);
    picture.append(group);
  }
  const seenAny = bars.some((b) => b.pickedUp);
  panel.append(
    h(
      'figure',
      { class: 'figure' },
      picture,
      h(
        'figcaption',
        {},
        h('span', { class: 'key key-wait' }, 'waiting in the queue'),
        h('span', { class: 'key key-run' }, 'running'),
        h('span', { class: 'key key-timer' }, 'timer'),
        h('span', { class: 'key key-failed' }, 'failed'),
        seenAny
          ? null
          : h(
              'span',
              { class: 'key key-span' },
              'scheduled to done: this host did not run these activities, so it cannot tell waiting from running',
            ),
      ),
    ),
    h(
      'table',
      { class: 'timeline-table' },
      h('caption', {}, 'The same, in numbers'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Item'),
          h('th', { scope: 'col' }, 'Scheduled (UTC)'),
          h('th', { scope: 'col' }, 'Waited'),
          h('th', { scope: 'col' }, 'Ran'),
          h('th', { scope: 'col' }, 'Outcome'),
        ),
      ),
      h(
        'tbody',
        {},
        ...bars
          .filter((b) => b.kind !== 'episode')
          .map((b) => {
            const start = t(b.start);
            const picked = t(b.pickedUp);
            const end = t(b.end);
            return h(
              'tr',
              {},
              h('td', {}, b.label, ...runFlags(b)),
              h('td', {}, time(b.start)),
              h('td', {}, waited(b, start, picked, end)),
              h('td', {}, ran(b, start, picked, end)),
              h('td', {}, b.outcome, b.detail ? h('span', { class: 'muted' }, ` ${withTimes(b.detail)}`) : null),
            );
          }),
      ),
    ),
  );
}

/** A detail's ISO times written as every other time on the page (UTC, 13:06:59.813). */
function withTimes(detail: string): string {
  return detail.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, (iso) => time(iso));
}

/** How long an item waited: for a timer, until it was due; for an activity, in its queue. */
function waited(bar: TimelineBar, start: number, picked: number, end: number): string {
  if (bar.kind === 'event') return '—';
  if (bar.kind === 'timer' && bar.outcome === 'cancelled') return `never fired: ${duration(end - start)} until the end`;
  if (bar.kind === 'timer') return Number.isNaN(end) ? '' : `${duration(end - start)} until due`;
  return Number.isNaN(picked) ? '' : duration(picked - start);
}

/** How long an item ran: a timer or an event does not run, it only waits or arrives. */
function ran(bar: TimelineBar, start: number, picked: number, end: number): string {
  if (bar.kind === 'timer' || bar.kind === 'event') return '—';
  if (Number.isNaN(end)) return '';
  if (Number.isNaN(picked)) return `${duration(end - start)} from scheduled to done (wait and run not told apart)`;
  return duration(end - picked);
}

function describe(bar: TimelineBar, start: number, picked: number, end: number): string {
  if (bar.kind === 'episode') {
    return [
      `${bar.label}: ${duration(end - start)} from loading the history to the checkpoint, at ${time(bar.start)}`,
      'Its messages go out before its history is written, so what it scheduled may start before it ends.',
    ].join('\n');
  }
  const lines = [bar.label, `scheduled ${time(bar.start)}`];
  if (!Number.isNaN(picked))
    lines.push(`waited in the queue ${duration(picked - start)}`, `ran ${duration(end - picked)}`);
  else if (bar.outcome === 'cancelled') lines.push(`never fired: the instance ended ${duration(end - start)} later`);
  else if (bar.end) lines.push(`took ${duration(end - start)} from scheduled to done`);
  lines.push(bar.outcome);
  if (bar.detail) lines.push(withTimes(bar.detail));
  if (bar.deliveries) lines.push(`its work item was delivered ${bar.deliveries} times`);
  return lines.join('\n');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Flags for an activity that ran more than once: runs this host saw, and deliveries of its work item. */
function runFlags(bar: TimelineBar): HTMLElement[] {
  const flags: HTMLElement[] = [];
  if (bar.runs && bar.runs > 1) flags.push(h('span', { class: 'flag flag-over' }, `ran ${bar.runs} times`));
  if (bar.deliveries && bar.deliveries > (bar.runs ?? 0)) {
    flags.push(
      h(
        'span',
        {
          class: 'flag flag-over',
          title: 'Each delivery ran the activity; a run whose host died left no other trace here.',
        },
        `delivered ${bar.deliveries} times: ${bar.deliveries - (bar.runs ?? 0)} run(s) lost with their host`,
      ),
    );
  }
  return flags;
}
