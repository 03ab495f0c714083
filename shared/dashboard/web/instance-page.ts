// One instance: its status and payloads, links to its parent and children, the buttons that act
// on it, and four ways to look at its history: the full table, a timeline, a sequence picture,
// and replay step by step.

import type { HubInfo, InstanceDetail } from '../src/wire.ts';
import { ApiError, get, instancePath, post } from './api.ts';
import { badge, bytes, camelBreaks, h, pretty, redraw, time } from './dom.ts';
import type { View } from './main.ts';
import { payloadBlock, sizeBadges } from './payload-view.ts';
import { renderReplay } from './replay-view.ts';
import { renderSequence } from './sequence-view.ts';
import { renderTimeline } from './timeline-view.ts';
import { toast } from './toast.ts';

const TABS = [
  ['history', 'History'],
  ['timeline', 'Timeline'],
  ['sequence', 'Sequence'],
  ['replay', 'Replay'],
] as const;

const ENDED = new Set(['Completed', 'Failed', 'Terminated', 'Canceled']);

export async function renderInstance(main: HTMLElement, hub: HubInfo, id: string, tab: string): Promise<View> {
  const state = { replayStep: -1 };
  // While it is being purged, and after, the instance is gone: a live update must not fetch it again (a 404).
  let purging = false;
  const load = async () => {
    if (purging) return;
    let detail: InstanceDetail;
    try {
      detail = await get<InstanceDetail>(instancePath(id));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      main.replaceChildren(
        h('h1', {}, 'Instance not found'),
        h('p', {}, err.message),
        h('p', {}, h('a', { href: '#/' }, '← All instances')),
      );
      return;
    }
    redraw(
      main,
      page(detail, hub, tab, state, load, (on) => {
        purging = on;
      }),
    );
  };
  await load();
  return { refresh: async (ids) => (ids === undefined || ids.includes(id) ? load() : undefined) };
}

function page(
  d: InstanceDetail,
  hub: HubInfo,
  tab: string,
  state: { replayStep: number },
  reload: () => Promise<void>,
  onPurging: (on: boolean) => void,
): Node[] {
  const i = d.instance;
  const base = `#/instances/${encodeURIComponent(i.instanceId)}`;
  const facts = h(
    'dl',
    { class: 'facts' },
    h('dt', {}, 'Name'),
    h('dd', {}, i.name),
    h('dt', {}, 'Created (UTC)'),
    h('dd', {}, h('time', { datetime: i.createdTime }, time(i.createdTime))),
    h('dt', {}, 'Last updated (UTC)'),
    h('dd', {}, h('time', { datetime: i.lastUpdatedTime }, time(i.lastUpdatedTime))),
    // Ended, not "Completed": a Failed or Terminated instance ends too (the walkthrough).
    i.completedTime ? h('dt', {}, 'Ended (UTC)') : null,
    i.completedTime ? h('dd', {}, h('time', { datetime: i.completedTime }, time(i.completedTime))) : null,
    h('dt', {}, 'Execution'),
    h(
      'dd',
      { class: 'id' },
      i.executionId,
      i.generation > 0
        ? h(
            'span',
            { class: 'muted' },
            ` (generation ${i.generation}: continued as new ${i.generation} time${i.generation === 1 ? '' : 's'}; the History table keeps the current one)`,
          )
        : null,
    ),
    i.parent ? h('dt', {}, 'Parent') : null,
    i.parent
      ? h(
          'dd',
          { class: 'id' },
          h('a', { href: `#/instances/${encodeURIComponent(i.parent.instanceId)}` }, i.parent.instanceId),
          i.parent.name ? ` (${i.parent.name})` : '',
        )
      : null,
    i.children.length > 0 ? h('dt', {}, 'Sub-orchestrations') : null,
    i.children.length > 0
      ? h(
          'dd',
          {},
          h(
            'ul',
            { class: 'plain' },
            ...i.children.map((c) =>
              h(
                'li',
                { class: 'id' },
                h('a', { href: `#/instances/${encodeURIComponent(c.instanceId)}` }, c.instanceId),
                ` ${c.name} #${c.taskId}`,
              ),
            ),
          ),
        )
      : null,
  );
  const tabs = h(
    'nav',
    { class: 'tabs', 'aria-label': 'Views of the history' },
    ...TABS.map(([key, label]) =>
      h(
        'a',
        { href: `${base}/${key}`, class: key === tab ? 'on' : '', 'aria-current': key === tab ? 'page' : null },
        label,
      ),
    ),
  );
  const panel = h('section', {
    class: 'panel',
    id: `panel-${tab}`,
    'aria-label': TABS.find(([k]) => k === tab)?.[1] ?? 'History',
  });
  switch (tab) {
    case 'timeline':
      renderTimeline(panel, d);
      break;
    case 'sequence':
      renderSequence(panel, d);
      break;
    case 'replay':
      renderReplay(panel, d, state);
      break;
    default:
      renderHistory(panel, d, hub);
  }
  const why = i.runtimeStatus === 'Failed' ? failureLine(i.output.text) : undefined;
  return [
    h('p', { class: 'crumbs' }, h('a', { href: '#/' }, '← All instances')),
    h('h1', { class: 'id' }, i.instanceId, ' ', badge(i.runtimeStatus)),
    // Why it failed, in the words the host logs, before the folded output and its stack trace.
    why ? h('p', { class: 'failure', id: 'failure' }, h('strong', {}, 'Why it failed: '), why) : null,
    i.instanceId.startsWith('@')
      ? h(
          'p',
          { class: 'note', id: 'entity-note' },
          'A durable entity (@name@key). It stays Running for good: each batch of operations ends by continuing as new, ' +
            'with the entity’s state and its queue of operations as the new input (Input below; the state is its "state").',
        )
      : d.unseen && hub.mode === 'host'
        ? h(
            'p',
            { class: 'note' },
            'This host did not run this instance (it ran before the host started): the timeline has no pick-up times and the replay steps come from the history alone.',
          )
        : null,
    facts,
    actions(d, reload, onPurging),
    // Open when short, so the tabs below stay in sight; a click opens a long one.
    h(
      'div',
      { class: 'payloads' },
      payloadBlock('Input', i.input, hub.limits, short(i.input.text)),
      payloadBlock('Output', i.output, hub.limits, short(i.output.text)),
      payloadBlock('Custom status', i.customStatus, hub.limits, short(i.customStatus.text)),
    ),
    tabs,
    panel,
  ].filter((n): n is HTMLElement => n !== null);
}

function actions(d: InstanceDetail, reload: () => Promise<void>, onPurging: (on: boolean) => void): HTMLElement {
  const i = d.instance;
  const path = instancePath(i.instanceId);
  const ended = ENDED.has(i.runtimeStatus);
  // The body is read when the button is pressed: the fields hold what the learner typed by then.
  const run =
    (
      what: string,
      op: string,
      body: () => Record<string, unknown> = () => ({}),
      after?: (result: { id?: string }) => void,
    ) =>
    async () => {
      try {
        const result = await post<{ id?: string }>(`${path}/${op}`, body());
        toast(what);
        if (after) after(result);
        else await reload();
      } catch (err) {
        toast((err as Error).message, true);
      }
    };
  const eventName = h('input', {
    id: 'event-name',
    placeholder: 'event name',
    autocomplete: 'off',
    'aria-label': 'Event name',
  });
  const eventData = h('input', {
    id: 'event-data',
    placeholder: 'JSON data, e.g. true',
    autocomplete: 'off',
    'aria-label': 'Event data (JSON)',
  });
  const reason = h('input', {
    id: 'reason',
    placeholder: 'reason (optional)',
    autocomplete: 'off',
    'aria-label': 'Reason',
  });
  return h(
    'div',
    { class: 'actions' },
    h(
      'form',
      {
        class: 'raise',
        onsubmit: (event: Event) => {
          event.preventDefault();
          // No data is null to the orchestrator (the walkthrough's review took null for an approval, silently).
          if (
            eventName.value.trim() !== '' &&
            eventData.value.trim() === '' &&
            !confirm(`Raise ${eventName.value} with no data (null)?`)
          )
            return;
          void run(`Raised ${eventName.value}.`, 'raise-event', () => ({
            name: eventName.value,
            data: eventData.value,
          }))();
        },
      },
      eventName,
      eventData,
      h('button', { type: 'submit', id: 'raise-event', disabled: ended }, 'Raise event'),
    ),
    h(
      'div',
      { class: 'buttons' },
      reason,
      h(
        'button',
        {
          type: 'button',
          id: 'terminate',
          class: 'danger',
          disabled: ended,
          // It cannot be undone: Rewind takes only a failed instance (the walkthrough: nothing asked).
          onclick: () => {
            if (
              confirm(
                `Terminate ${i.instanceId}? A terminated instance stays ended: Restart starts it again under a new id.`,
              )
            )
              void run('Terminate sent.', 'terminate', () => ({ reason: reason.value }))();
          },
        },
        'Terminate',
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'suspend',
          disabled: ended || i.runtimeStatus === 'Suspended',
          onclick: run('Suspend sent.', 'suspend', () => ({ reason: reason.value })),
        },
        'Suspend',
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'resume',
          disabled: i.runtimeStatus !== 'Suspended',
          onclick: run('Resume sent.', 'resume', () => ({ reason: reason.value })),
        },
        'Resume',
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'rewind',
          disabled: i.runtimeStatus !== 'Failed',
          title:
            i.runtimeStatus === 'Failed'
              ? 'Take the failures out of its history and replay from there'
              : 'Only a failed instance can be rewound',
          onclick: run('Rewind sent.', 'rewind', () => ({ reason: reason.value })),
        },
        'Rewind',
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'restart',
          onclick: () => {
            // A running one goes on: Restart would leave two side by side (the walkthrough's reviews).
            if (
              !ended &&
              !confirm(
                `${i.instanceId} is still ${i.runtimeStatus}: Restart starts a second ${i.name} beside it. Go on?`,
              )
            )
              return;
            void run(
              `Restarted ${i.instanceId} under a new id.`,
              'restart',
              () => ({ newInstanceId: true }),
              (r) => r.id && (location.hash = `#/${instancePath(r.id)}`),
            )();
          },
        },
        'Restart',
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'purge',
          class: 'danger',
          disabled: !ended,
          title: ended ? 'Delete its history and rows' : 'Only an ended instance can be purged',
          onclick: async () => {
            if (!confirm(`Purge ${i.instanceId}? Its history is deleted for good.`)) return;
            // From the moment the purge is sent: the live update it causes may come before the answer.
            onPurging(true);
            try {
              await post(`${path}/purge`, {});
              toast('Purged.');
              location.hash = '#/';
            } catch (err) {
              onPurging(false);
              toast((err as Error).message, true);
              await reload();
            }
          },
        },
        'Purge',
      ),
    ),
  );
}

function renderHistory(panel: HTMLElement, d: InstanceDetail, hub: HubInfo): void {
  panel.append(
    h(
      'p',
      { class: 'muted' },
      `All ${d.history.length} rows of the History table for the current execution, in order, bookkeeping events included. The episode column says which checkpoint wrote each row.`,
    ),
    h(
      'table',
      { class: 'history' },
      h('caption', { class: 'visually-hidden' }, 'History events'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, '#'),
          h('th', { scope: 'col' }, 'Event'),
          h('th', { scope: 'col' }, 'Episode'),
          h('th', { scope: 'col' }, 'Time (UTC)'),
          h('th', { scope: 'col' }, 'Details'),
          h('th', { scope: 'col' }, 'Payload'),
        ),
      ),
      h(
        'tbody',
        {},
        ...d.history.map((r) =>
          h(
            'tr',
            { class: `event event-${r.type}`, 'data-seq': r.seq },
            h('td', {}, r.seq),
            h('td', {}, ...camelBreaks(r.type)),
            h('td', {}, r.episode || ''),
            h(
              'td',
              {},
              // Date and clock each in one piece: at 800 px a dated time wraps between them, not over the next column.
              h(
                'time',
                { datetime: r.timestamp },
                ...time(r.timestamp)
                  .split(' ')
                  .flatMap((part, i) => [i > 0 ? ' ' : '', h('span', { class: 'nowrap' }, part)]),
              ),
            ),
            h(
              'td',
              { class: 'details' },
              ...camelBreaks(
                [
                  r.name,
                  r.eventId >= 0 ? `#${r.eventId}` : null,
                  r.taskId !== undefined ? `answers #${r.taskId}` : null,
                  r.fireAt ? `fires ${time(r.fireAt)}` : null,
                  r.status,
                  r.instanceId ? `instance ${r.instanceId}` : null,
                ]
                  .filter(Boolean)
                  .join(' · '),
              ),
            ),
            h(
              'td',
              { class: 'payload-cell' },
              r.payload
                ? h(
                    'details',
                    { 'data-key': `row-${r.seq}` },
                    h(
                      'summary',
                      {},
                      `${r.payloadField} `,
                      sizeBadges(r.payload, hub.limits),
                      // A failure's details are a field of their own: npm run history counts both together.
                      r.details?.text ? ` + Details ${r.details.bytes} B` : null,
                    ),
                    h(
                      'pre',
                      { class: 'json' },
                      r.payload.text === null ? 'null' : pretty(r.payload.text) + (r.payload.truncated ? '\n…' : ''),
                    ),
                    r.details?.text ? h('pre', { class: 'json' }, r.details.text) : null,
                  )
                : '',
            ),
          ),
        ),
      ),
    ),
    h(
      'p',
      { class: 'muted' },
      `Sizes: payloads in UTF-8. The message bar is the queue message that carried the event against the 64 KB a queue message holds; over ${bytes(hub.limits.largeMessageBytes)}, DTFx sends it as a blob in ${hub.hubName.toLowerCase()}-largemessages.`,
    ),
  );
}

/** The first line of a failed instance's output: its message, without the details that follow. */
export function failureLine(text: string | null): string | undefined {
  if (text === null) return undefined;
  let output: unknown = text;
  try {
    output = JSON.parse(text);
  } catch {
    // Not JSON: the text itself.
  }
  const message =
    typeof output === 'string'
      ? output
      : typeof output === 'object' && output !== null && typeof (output as { message?: unknown }).message === 'string'
        ? (output as { message: string }).message
        : undefined;
  const line = message?.split('\n')[0]?.trim();
  return line ? line : undefined;
}

/** A payload that fits in a few lines. */
function short(text: string | null): boolean {
  return text !== null && text.length <= 160;
}
