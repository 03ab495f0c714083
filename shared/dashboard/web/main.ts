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
/** Counts the pages asked for, so that a slow one never replaces a later one. */
let routes = 0;

/**
 * Draws the page the address names, into a new container that replaces the old one only once
 * it has its data (never an empty table while storage is slow to answer); what went wrong
 * instead, when the task hub cannot be read.
 */
async function route(): Promise<void> {
  // Addresses can change faster than pages load: only the latest one may show its page.
  const mine = ++routes;
  const page = document.createElement('div');
  try {
    const drawn = await draw(page);
    if (mine !== routes) return;
    main.replaceChildren(page);
    view = drawn;
  } catch (err) {
    if (mine !== routes) return;
    view = undefined;
    const onList = !location.hash.startsWith('#/instances/');
    main.replaceChildren(
      h('h1', {}, 'The dashboard cannot show this'),
      h('p', { role: 'alert', class: 'note' }, describeError(err)),
      h(
        'p',
        {},
        h('button', { type: 'button', onclick: () => void route() }, 'Try again'),
        ' (it also tries by itself when something changes) ',
        onList && location.hash.includes('?')
          ? h('a', { href: '#/' }, 'Clear the filters')
          : h('a', { href: '#/' }, 'All instances'),
      ),
    );
  }
}

/** A fetch that found nobody, said as what it means here. */
function describeError(err: unknown): string {
  const message = (err as Error).message;
  return err instanceof TypeError && /fetch/i.test(message)
    ? 'The host is not answering: it may be restarting. The page reconnects by itself.'
    : message;
}

async function draw(page: HTMLElement): Promise<View> {
  hub ??= await get<HubInfo>('hub');
  document.getElementById('hub')!.textContent =
    `Task hub ${hub.hubName}${hub.mode === 'task hub' ? ' (read from storage)' : ''}`;
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = hash.split('?');
  const match = /^\/instances\/([^/]+)(?:\/(\w+))?$/.exec(path);
  const drawn = match
    ? await renderInstance(page, hub, idFrom(match[1]!), match[2] ?? 'history')
    : await renderList(page, hub, new URLSearchParams(query));
  await renderClock(hub);
  return drawn;
}

/** The id in the address; a malformed escape is kept as typed (the server then says it is unknown). */
function idFrom(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
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
  const banner = document.getElementById('connection')!;
  events.addEventListener('change', (event) =>
    refresh((JSON.parse((event as MessageEvent<string>).data) as { ids: string[] }).ids),
  );
  events.addEventListener('poll', () => refresh());
  // After the host restarts, the stream reconnects by itself; what changed meanwhile is unknown.
  events.addEventListener('hello', () => {
    banner.hidden = true;
    refresh();
  });
  // While the host is away (a restart, a crash), say so: the page shows what it last read.
  events.addEventListener('error', () => {
    banner.hidden = false;
    // The browser reconnects by itself after a lost connection, but gives up for good after an
    // answer that is not an event stream (a host answering while it stops): start again.
    if (events.readyState === EventSource.CLOSED) setTimeout(listen, 2000);
  });
}

window.addEventListener('hashchange', () => void route().then(() => main.focus({ preventScroll: true })));
await route();
listen();
