// The sequence picture: the client (or parent), the orchestrator, each activity and the timers as
// lanes, and every message of the history as an arrow between them, in order. A band marks each
// episode: every band is one run of the orchestrator from the top.

import type { InstanceDetail } from '../src/wire.ts';
import { bytes, h, svg, time } from './dom.ts';

const LANE = 170;
const ROW = 30;
const TOP = 46;

export function renderSequence(panel: HTMLElement, d: InstanceDetail): void {
  const { lanes, messages } = d.sequence;
  if (messages.length === 0) {
    panel.append(h('p', { class: 'muted' }, 'No messages yet.'));
    return;
  }
  // Room on the right for the episode labels.
  const width = Math.max(560, lanes.length * LANE + 70);
  const height = TOP + messages.length * ROW + 20;
  const x = (lane: string) => LANE / 2 + lanes.indexOf(lane) * LANE;
  const episodeOf = new Map(d.history.map((r) => [r.seq, r.episode]));
  const picture = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    class: 'sequence',
    role: 'img',
    'aria-label': `Sequence of ${messages.length} messages between ${lanes.join(', ')}`,
  });
  picture.append(
    svg(
      'defs',
      {},
      svg(
        'marker',
        {
          id: 'arrow',
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          orient: 'auto-start-reverse',
        },
        svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }),
      ),
    ),
  );

  // Episode bands first, so arrows draw over them.
  let bandStart = 0;
  messages.forEach((m, index) => {
    const next = messages[index + 1];
    const episode = episodeOf.get(m.seq) ?? 0;
    if (!next || (episodeOf.get(next.seq) ?? 0) !== episode) {
      const y = TOP + bandStart * ROW - 8;
      picture.append(
        svg('rect', { x: 0, y, width, height: (index - bandStart + 1) * ROW, class: `band band-${episode % 2}` }),
        svg('text', { x: width - 6, y: y + 14, class: 'band-label', 'text-anchor': 'end' }, `episode ${episode}`),
      );
      bandStart = index + 1;
    }
  });
  for (const lane of lanes) {
    picture.append(
      svg('line', { x1: x(lane), x2: x(lane), y1: 30, y2: height - 6, class: 'lifeline' }),
      svg('text', { x: x(lane), y: 20, class: 'lane', 'text-anchor': 'middle' }, lane),
    );
  }
  messages.forEach((m, index) => {
    const y = TOP + index * ROW + 8;
    const from = x(m.from);
    const to = x(m.to);
    const group = svg('g', { class: `message${m.failed ? ' failed' : ''}`, 'data-seq': m.seq });
    group.append(
      svg('line', {
        x1: from,
        x2: to + (to > from ? -2 : 2),
        y1: y,
        y2: y,
        class: 'arrow',
        'marker-end': 'url(#arrow)',
      }),
      svg(
        'text',
        { x: (from + to) / 2, y: y - 5, class: 'message-label', 'text-anchor': 'middle' },
        m.label + (m.bytes ? ` (${bytes(m.bytes)})` : ''),
      ),
      svg('title', {}, `${m.label}\n${time(m.at)}\nhistory row ${m.seq}`),
    );
    picture.append(group);
  });
  panel.append(
    h(
      'figure',
      { class: 'figure' },
      picture,
      h(
        'figcaption',
        { class: 'muted' },
        'Each band is one episode: the orchestrator ran from the top, replayed the rows above, and sent what it decided.',
      ),
    ),
  );
}
