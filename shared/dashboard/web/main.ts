// The page's router: #/ is the instance list (its filters in the hash's query), #/instances/{id}
// one instance (and /{tab}). Server-sent events say which instances changed; the view on screen
// redraws from fresh data, so the page is live without a reload.

import type { HubInfo } from '../src/wire.ts';
import { get } from './api.ts';
import { renderClock } from './clock-bar.ts';
import { renderInstance } from './instance-page.ts';
import { h } from './dom.ts';
import { renderList } from './list-page.ts';
import { toast } from './toast.ts';

export interface View {
  /** Fetches again and redraws; `ids` are the instances that changed, when known. */
  refresh(ids?: string[]): Promise<void>;
}

const main = document.getElementById('main')!;
let hub: HubInfo | undefined;
let view: View | undefined;
let refreshing: Promise<void> | undefined;
let again: string[] | undefined | null = null;

/** Draws the page the address names; what went wrong instead, when the task hub cannot be read. */
async function route(): Promise<void> {
  try {
    await draw();
  } catch (err) {
    view = undefined;
    main.replaceChildren(
      h('h1', {}, 'The dashboard cannot show this'),
      h('p', { role: 'alert', class: 'note' }, (err as Error).message),
      h('p', {}, h('button', { type: 'button', onclick: () => void route() }, 'Try again'), ' (it also tries by itself when something changes)'),
    );
  }
}

async function draw(): Promise<void> {
  hub ??= await get<HubInfo>('hub');
  document.getElementById('hub')!.textContent = `Task hub ${hub.hubName}${hub.mode === 'task hub' ? ' (read from storage)' : ''}`;
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = hash.split('?');
  const match = /^\/instances\/([^/]+)(?:\/(\w+))?$/.exec(path);
  main.replaceChildren();
  view = match
    ? await renderInstance(main, hub, decodeURIComponent(match[1]!), match[2] ?? 'history')
    : await renderList(main, hub, new URLSearchParams(query));
  await renderClock(hub);
}

/** One refresh at a time; changes that arrive meanwhile make one more. */
function refresh(ids?: string[]): void {
  if (refreshing) {
    again = again === null ? ids : again && ids ? [...again, ...ids] : undefined;
    return;
  }
  // With no view (the last draw failed), a change is a reason to try the whole page again.
  refreshing = Promise.all([view ? view.refresh(ids) : route(), hub ? renderClock(hub) : undefined])
    .then(() => undefined)
    .catch((err: unknown) => toast(`Could not refresh: ${(err as Error).message}`, true))
    .finally(() => {
      refreshing = undefined;
      if (again !== null) {
        const next = again;
        again = null;
        refresh(next);
      }
    });
}

function listen(): void {
  const events = new EventSource('api/live');
  events.addEventListener('change', (event) => refresh((JSON.parse((event as MessageEvent<string>).data) as { ids: string[] }).ids));
  events.addEventListener('poll', () => refresh());
  // After the host restarts, the stream reconnects by itself; what changed meanwhile is unknown.
  events.addEventListener('hello', () => refresh());
}

window.addEventListener('hashchange', () => void route().then(() => main.focus({ preventScroll: true })));
await route();
listen();
