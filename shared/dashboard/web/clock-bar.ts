// The orchestration clock in the header. On the real clock it is only shown; with --clock virtual
// (or auto) the learner moves it: a minute, an hour, or straight to the next timer (lab 11).

import type { ClockState, HubInfo } from '../src/wire.ts';
import { get, post } from './api.ts';
import { h, time } from './dom.ts';
import { toast } from './toast.ts';

export async function renderClock(hub: HubInfo): Promise<void> {
  const bar = document.getElementById('clock')!;
  if (hub.mode !== 'host') return;
  const clock = await get<ClockState>('clock');
  if (clock.mode === 'real') {
    bar.replaceChildren();
    return;
  }
  const move = (body: { ms?: number; toNextTimer?: boolean }, what: string) => async () => {
    try {
      const moved = await post<ClockState>('clock', body);
      toast(`Clock moved ${what}: now ${time(moved.now)}.`);
      await renderClock(hub);
    } catch (err) {
      toast((err as Error).message, true);
    }
  };
  bar.replaceChildren(
    h(
      'span',
      { class: 'clock-label', title: `--clock ${clock.mode}` },
      `Orchestration clock (${clock.mode}): `,
      h('time', { datetime: clock.now }, new Date(clock.now).toISOString().replace('T', ' ').slice(0, 19) + 'Z'),
    ),
    h('button', { type: 'button', onclick: move({ ms: 60_000 }, 'by 1 minute') }, '+1 min'),
    h('button', { type: 'button', onclick: move({ ms: 3_600_000 }, 'by 1 hour') }, '+1 h'),
    h(
      'button',
      {
        type: 'button',
        onclick: move({ toNextTimer: true }, 'to the next timer'),
        disabled: !clock.nextTimer,
        title: clock.nextTimer ? `due ${clock.nextTimer}` : 'no timer is waiting',
      },
      'Next timer',
    ),
  );
}
