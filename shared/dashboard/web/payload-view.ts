// A payload as a collapsible block: its size against the limits that matter (45 KB: DTFx sends
// the message through a blob; 64 KB: a queue message's limit), where it is kept, and its JSON.

import type { HubInfo, Payload } from '../src/wire.ts';
import { bytes, h, pretty } from './dom.ts';

export function sizeBadges(payload: Payload, limits: HubInfo['limits']): HTMLElement {
  const badges = h('span', { class: 'sizes' }, h('span', { class: 'size' }, bytes(payload.bytes)));
  if (payload.messageBytes !== undefined) {
    const over = payload.overQueueLimit ? 'over' : payload.viaLargeMessages ? 'near' : 'ok';
    badges.append(
      h(
        'span',
        {
          class: `meter meter-${over}`,
          title: `The queue message that carried it was ${bytes(payload.messageBytes)}: over ${bytes(limits.largeMessageBytes)} goes through {hub}-largemessages, and a queue message holds at most ${bytes(limits.queueMessageBytes)}.`,
        },
        fill(Math.min(100, (payload.messageBytes / limits.queueMessageBytes) * 100)),
        h('span', { class: 'meter-text' }, `message ${bytes(payload.messageBytes)} of 64 KB`),
      ),
    );
  }
  if (payload.viaLargeMessages) badges.append(h('span', { class: 'flag flag-blob' }, 'sent via largemessages blob'));
  if (payload.overQueueLimit) {
    badges.append(
      h(
        'span',
        {
          class: 'flag flag-blob',
          title: 'Too big for any queue message: only the blob carried it. Every replay downloads it again.',
        },
        'over 64 KB: only the blob carried it',
      ),
    );
  }
  if (payload.inBlob) badges.append(h('span', { class: 'flag flag-blob' }, 'stored in a blob'));
  return badges;
}

export function payloadBlock(title: string, payload: Payload, limits: HubInfo['limits'], open = false): HTMLElement {
  const body =
    payload.text === null
      ? h('p', { class: 'muted' }, 'none')
      : h(
          'pre',
          { class: 'json' },
          pretty(payload.text) + (payload.truncated ? `\n… (cut here: ${bytes(payload.bytes)} in all)` : ''),
        );
  return h(
    'details',
    { class: 'payload', open, 'data-key': `payload-${title}`, 'data-default': open ? 'open' : 'closed' },
    h('summary', {}, h('span', { class: 'payload-title' }, title), ' ', sizeBadges(payload, limits)),
    body,
  );
}

/** The meter's bar. Set through the CSSOM: the page's Content-Security-Policy refuses style attributes. */
function fill(percent: number): HTMLElement {
  const bar = h('span', { class: 'meter-fill' });
  bar.style.width = `${percent.toFixed(1)}%`;
  return bar;
}
