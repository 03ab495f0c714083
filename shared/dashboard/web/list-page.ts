// The instances of the task hub: counts per status, filters (status, name, created time, id
// prefix) kept in the address so a reload or a shared link shows the same, a page at a time,
// bulk terminate and purge of what the filter shows, and a form to start an orchestration.

import type { HubInfo, InstancePage, RuntimeStatusName } from '../src/wire.ts';
import { get, instancePath, post } from './api.ts';
import { badge, h, pretty, time } from './dom.ts';
import type { View } from './main.ts';
import { toast } from './toast.ts';
import { local, utc } from './format-time.ts';

const STATUSES: RuntimeStatusName[] = [
  'Pending',
  'Running',
  'Suspended',
  'Completed',
  'Failed',
  'Terminated',
  'ContinuedAsNew',
  'Canceled',
];
const FILTERS = ['runtimeStatus', 'name', 'createdTimeFrom', 'createdTimeTo', 'instanceIdPrefix'] as const;
// The page number rides in the address too, beside the filters, so a reload stays on it.

export async function renderList(main: HTMLElement, hub: HubInfo, query: URLSearchParams): Promise<View> {
  const filter = new URLSearchParams();
  for (const key of FILTERS) for (const value of query.getAll(key)) if (value !== '') filter.append(key, value);
  const selected = new Set(filter.get('runtimeStatus')?.split(',').filter(Boolean) ?? []);
  const page = Math.max(0, Math.floor(Number(query.get('page') ?? 0)) || 0);
  let data: InstancePage | undefined;

  const counts = h('div', { class: 'counts', role: 'group', 'aria-label': 'Filter by status' });
  const tableBody = h('tbody');
  const pager = h('div', { class: 'pager' });
  const summary = h('p', { class: 'muted', id: 'list-summary' });

  /** Writes the filter into the address (the hashchange redraws the page from it); a new filter starts at page 1. */
  const apply = (change: (next: URLSearchParams) => void, toPage = 0) => {
    const next = new URLSearchParams(filter);
    change(next);
    if (toPage > 0) next.set('page', String(toPage));
    const text = next.toString();
    location.hash = text ? `#/?${text}` : '#/';
  };

  const nameField = hub.orchestrators
    ? h(
        'select',
        { id: 'filter-name', name: 'name' },
        h('option', { value: '' }, 'any'),
        ...hub.orchestrators.map((n) => h('option', { value: n, selected: filter.get('name') === n }, n)),
      )
    : h('input', {
        id: 'filter-name',
        name: 'name',
        value: filter.get('name') ?? '',
        placeholder: 'orchestrator name',
      });
  const from = h('input', {
    id: 'filter-from',
    type: 'datetime-local',
    step: 1,
    value: local(filter.get('createdTimeFrom')),
  });
  const to = h('input', {
    id: 'filter-to',
    type: 'datetime-local',
    step: 1,
    value: local(filter.get('createdTimeTo')),
  });
  const prefix = h('input', {
    id: 'filter-prefix',
    value: filter.get('instanceIdPrefix') ?? '',
    placeholder: 'id starts with…',
    autocomplete: 'off',
  });
  const filterForm = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Filters',
      onsubmit: (event: Event) => {
        event.preventDefault();
        apply((next) => {
          set(next, 'name', (nameField as HTMLInputElement).value);
          set(next, 'createdTimeFrom', utc(from.value));
          set(next, 'createdTimeTo', utc(to.value, true));
          set(next, 'instanceIdPrefix', prefix.value.trim());
        });
      },
    },
    h('label', {}, 'Name ', nameField),
    h('label', {}, 'Created (UTC) from ', from),
    h('label', {}, 'to ', to),
    h('label', {}, 'Id prefix ', prefix),
    h('button', { type: 'submit' }, 'Filter'),
    h('button', { type: 'button', onclick: () => (location.hash = '#/') }, 'Clear'),
  );

  const bulkBar = h('div', { class: 'bulk' });
  const startForm = renderStartForm(hub);

  main.append(
    h('h1', {}, 'Orchestration instances'),
    counts,
    filterForm,
    summary,
    h(
      'table',
      { class: 'instances' },
      h('caption', { class: 'visually-hidden' }, 'Orchestration instances'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Instance'),
          h('th', { scope: 'col' }, 'Name'),
          h('th', { scope: 'col' }, 'Status'),
          h('th', { scope: 'col' }, 'Created (UTC)'),
          h('th', { scope: 'col' }, 'Last updated (UTC)'),
          h('th', { scope: 'col' }, 'Custom status'),
        ),
      ),
      tableBody,
    ),
    pager,
    bulkBar,
    startForm,
  );

  const load = async () => {
    const params = new URLSearchParams(filter);
    if (page > 0) params.set('page', String(page));
    data = await get<InstancePage>(`instances?${params}`);
    draw();
  };

  function draw() {
    if (!data) return;
    const total = Object.values(data.counts).reduce((a, b) => a + (b ?? 0), 0);
    counts.replaceChildren(
      h(
        'button',
        {
          type: 'button',
          class: `chip${selected.size === 0 ? ' on' : ''}`,
          'aria-pressed': String(selected.size === 0),
          onclick: () => apply((n) => n.delete('runtimeStatus')),
        },
        `All ${total}`,
      ),
      ...STATUSES.filter((s) => (data!.counts[s] ?? 0) > 0 || selected.has(s)).map((status) =>
        h(
          'button',
          {
            type: 'button',
            class: `chip status-${status.toLowerCase()}${selected.has(status) ? ' on' : ''}`,
            'aria-pressed': String(selected.has(status)),
            'data-status': status,
            onclick: () =>
              apply((next) => {
                const now = new Set(selected);
                if (now.has(status)) now.delete(status);
                else now.add(status);
                set(next, 'runtimeStatus', [...now].join(','));
              }),
          },
          `${status} ${data!.counts[status] ?? 0}`,
        ),
      ),
    );
    tableBody.replaceChildren(
      ...data.instances.map((i) =>
        h(
          'tr',
          { 'data-instance': i.instanceId },
          h('td', { class: 'id' }, h('a', { href: `#/instances/${encodeURIComponent(i.instanceId)}` }, i.instanceId)),
          h('td', {}, i.name),
          h('td', {}, badge(i.runtimeStatus)),
          h('td', {}, h('time', { datetime: i.createdTime }, time(i.createdTime))),
          h('td', {}, h('time', { datetime: i.lastUpdatedTime }, time(i.lastUpdatedTime))),
          h(
            'td',
            { class: 'custom' },
            h('span', { class: 'clamp', title: i.customStatus ?? '' }, i.customStatus ?? ''),
          ),
        ),
      ),
    );
    if (data.instances.length === 0) {
      const filtered = filter.toString() !== '';
      const backwards =
        filter.get('createdTimeFrom') &&
        filter.get('createdTimeTo') &&
        filter.get('createdTimeFrom')! > filter.get('createdTimeTo')!;
      const why = backwards
        ? 'No instance matches: "Created from" is after "to".'
        : filtered
          ? 'No instance matches these filters.'
          : 'No instances yet. Start one below, or with your app.';
      tableBody.append(h('tr', {}, h('td', { colspan: 6, class: 'muted' }, why)));
    }
    const first = data.page * data.pageSize;
    const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
    summary.textContent =
      data.total === 0
        ? ''
        : `${data.total} instance${data.total === 1 ? '' : 's'} match${data.total === 1 ? 'es' : ''}, newest first` +
          (pages > 1
            ? `; showing ${first + 1}–${Math.min(first + data.pageSize, data.total)} (page ${data.page + 1} of ${pages}).`
            : '.');
    pager.replaceChildren(
      ...(pages > 1
        ? [
            h(
              'button',
              {
                type: 'button',
                id: 'page-newer',
                disabled: data.page === 0,
                onclick: () => apply(() => undefined, data!.page - 1),
              },
              '← Newer',
            ),
            h(
              'button',
              {
                type: 'button',
                id: 'page-older',
                disabled: data.page + 1 >= pages,
                onclick: () => apply(() => undefined, data!.page + 1),
              },
              'Older →',
            ),
          ]
        : []),
    );
    const running = (['Pending', 'Running', 'Suspended', 'ContinuedAsNew'] as const)
      .filter((s) => selected.size === 0 || selected.has(s))
      .reduce((a, s) => a + (data!.counts[s] ?? 0), 0);
    const ended = (['Completed', 'Failed', 'Terminated', 'Canceled'] as const)
      .filter((s) => selected.size === 0 || selected.has(s))
      .reduce((a, s) => a + (data!.counts[s] ?? 0), 0);
    bulkBar.replaceChildren(
      h('span', { class: 'muted' }, 'Everything the filters match: '),
      h(
        'button',
        { type: 'button', class: 'danger', disabled: running === 0, onclick: () => void bulk('terminate', running) },
        `Terminate ${running} not ended`,
      ),
      h(
        'button',
        { type: 'button', class: 'danger', disabled: ended === 0, onclick: () => void bulk('purge', ended) },
        `Purge ${ended} ended`,
      ),
    );
  }

  async function bulk(action: 'terminate' | 'purge', count: number) {
    const what =
      action === 'terminate'
        ? `Terminate ${count} instance(s) that have not ended?`
        : `Purge ${count} ended instance(s)? Their history is deleted for good.`;
    if (!confirm(what)) return;
    try {
      const result = await post<{ affected: number }>('bulk', {
        action,
        query: filter.toString(),
        reason: 'Terminated from the dashboard',
      });
      toast(`${action === 'terminate' ? 'Terminated' : 'Purged'} ${result.affected} instance(s).`);
      await load();
    } catch (err) {
      toast((err as Error).message, true);
    }
  }

  await load();
  return { refresh: load };
}

function renderStartForm(hub: HubInfo): HTMLElement {
  const name =
    hub.orchestrators && hub.orchestrators.length > 0
      ? h('select', { id: 'start-name', required: true }, ...hub.orchestrators.map((n) => h('option', { value: n }, n)))
      : h('input', { id: 'start-name', required: true, placeholder: 'orchestrator name' });
  const id = h('input', { id: 'start-id', placeholder: 'a new id is made when empty', autocomplete: 'off' });
  const input = h('textarea', {
    id: 'start-input',
    rows: 3,
    placeholder: 'JSON, such as {"container": "samples", "width": 200}: "Fill in the last input" copies one',
    spellcheck: 'false',
  });
  return h(
    'details',
    { class: 'start' },
    h('summary', {}, 'Start a new orchestration'),
    h(
      'form',
      {
        onsubmit: async (event: Event) => {
          event.preventDefault();
          try {
            const wanted = id.value.trim();
            // An empty input is null to the orchestrator: most of the labs' fail on it at once (the walkthrough).
            const orchestrator = (name as HTMLInputElement).value;
            if (input.value.trim() === '' && !confirm(`Start ${orchestrator} with no input (null)?`)) return;
            if (wanted && !(await startOver(wanted))) return;
            const started = await post<{ id: string }>('instances', {
              name: orchestrator,
              instanceId: wanted || undefined,
              input: input.value,
            });
            toast(`Started ${started.id}.`);
            location.hash = `#/${instancePath(started.id)}`;
          } catch (err) {
            toast((err as Error).message, true);
          }
        },
      },
      h('label', {}, 'Orchestrator ', name),
      h('label', {}, 'Instance id ', id),
      h('label', { class: 'wide' }, 'Input (JSON) ', input),
      h(
        'p',
        { class: 'muted wide' },
        "The input goes to the orchestrator as it is: your HTTP function's checks and defaults do not run, so give every field the orchestrator needs.",
      ),
      h('button', { type: 'submit' }, 'Start'),
      h(
        'button',
        {
          type: 'button',
          id: 'start-fill',
          onclick: async () => {
            const orchestrator = (name as HTMLInputElement).value;
            try {
              const last = await lastInput(orchestrator);
              if (last === undefined) toast(`No ${orchestrator || 'such'} instance yet to copy an input from.`, true);
              else input.value = last;
            } catch (err) {
              toast((err as Error).message, true);
            }
          },
        },
        'Fill in the last input',
      ),
    ),
  );
}

function set(params: URLSearchParams, key: string, value: string): void {
  if (value) params.set(key, value);
  else params.delete(key);
}

/** Starting under the id of an instance that has ended replaces it (as startNew does): ask first. */
async function startOver(instanceId: string): Promise<boolean> {
  const existing = await get<{ instance: { runtimeStatus: string } }>(instancePath(instanceId)).catch(() => undefined);
  if (!existing) return true;
  return confirm(
    `An instance ${instanceId} exists (${existing.instance.runtimeStatus}). Starting under its id replaces it and its history. Go on?`,
  );
}

/** The input of the newest instance of `orchestrator`, as pretty JSON, or undefined when there is none. */
async function lastInput(orchestrator: string): Promise<string | undefined> {
  if (!orchestrator) return undefined;
  const newest = await get<InstancePage>(`instances?${new URLSearchParams({ name: orchestrator, top: '1' })}`);
  const id = newest.instances[0]?.instanceId;
  if (!id) return undefined;
  const detail = await get<{ instance: { input: { text: string | null; bytes: number; truncated?: boolean } } }>(
    instancePath(id),
  );
  const { text, bytes, truncated } = detail.instance.input;
  // The page holds only the start of a large input: copying it would start the orchestrator on
  // broken JSON (the walkthrough's 4.8 MB input came back "not valid JSON").
  if (truncated)
    throw new Error(
      `The last input of ${orchestrator} is ${Math.round(bytes / 1024)} KB, more than this page holds: type one.`,
    );
  return text === null ? '' : pretty(text);
}
