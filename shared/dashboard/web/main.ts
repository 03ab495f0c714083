// The page's router: #/ is the instance list (its filters in the hash's query), #/instances/{id}
// one instance (and /{tab}). Server-sent events say which instances changed; the view on screen
// redraws from fresh data, so the page is live without a reload.

import type { HubInfo } from '../src/wire.ts';
import { get } from './api.ts';
import { renderClock } from './clock-bar.ts';
import { renderInstance } from './instance-page.ts';
import { renderList } from './list-page.ts';

export interface View {
  /** Fetches again and redraws; `ids` are the instances that changed, when known. */
  refresh(ids?: string[]): Promise<void>;
}

const main = document.getElementById('main')!;
let hub: HubInfo | undefined;
let view: View | undefined;
let refreshing: Promise<void> | undefined;
let again: string[] | undefined | null = null;

async function route(): Promise<void> {
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
  refreshing = Promise.all([view?.refresh(ids), hub ? renderClock(hub) : undefined])
    .then(() => undefined)
    .catch(() => undefined)
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
