// The page's only way out: fetch to the host that served it. Actions carry the page's token
// (a meta tag the server filled in), which other sites cannot read.

const token = document.querySelector<HTMLMetaElement>('meta[name="dashboard-token"]')?.content ?? '';

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
  const response = await fetch(`api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-dashboard-token': token },
    body: JSON.stringify(body),
  });
  return answer<T>(response);
}

export function instancePath(id: string): string {
  return `instances/${encodeURIComponent(id)}`;
}
