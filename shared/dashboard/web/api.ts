// The page's only way out: fetch to the host that served it. Actions carry the page's token
// (a meta tag the server filled in), which other sites cannot read.

let token = document.querySelector<HTMLMetaElement>('meta[name="dashboard-token"]')?.content ?? '';

/**
 * A host restarted by a save has a new token. The page reads it again from its own address
 * (same origin, so this works for the page and for no other site) instead of asking for a reload.
 */
async function renewToken(): Promise<boolean> {
  const html = await (await fetch('./', { headers: { accept: 'text/html' } })).text();
  const fresh = /name="dashboard-token" content="([^"]+)"/.exec(html)?.[1];
  if (!fresh || fresh === token) return false;
  token = fresh;
  return true;
}

export class ApiError extends Error {}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const message = (body as { message?: string } | undefined)?.message ?? `HTTP ${response.status}`;
    throw new ApiError(message);
  }
  return body as T;
}

export async function get<T>(path: string): Promise<T> {
  return answer<T>(await fetch(`api/${path}`, { headers: { accept: 'application/json' } }));
}

export async function post<T>(path: string, body: unknown = {}): Promise<T> {
  const send = () =>
    fetch(`api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-dashboard-token': token },
      body: JSON.stringify(body),
    });
  let response = await send();
  if (response.status === 403 && (await renewToken())) response = await send();
  return answer<T>(response);
}

export function instancePath(id: string): string {
  return `instances/${encodeURIComponent(id)}`;
}
