// Tells whether the host has any route for a request, with the host's own route matching:
// the one case where an empty 404 is the right answer (see bad-input-verdict.ts).

import { compileRoute, RouteTable } from '../../shared/host/src/http/routes.ts';
import type { HttpFunction } from './bad-input-cases.ts';

export type RouteMiss = (method: string, target: string) => boolean;

/**
 * `apiPrefixes` are paths the host answers itself before routing (the durable management API):
 * requests under them are never a route miss.
 */
export function routeMissFor(functions: HttpFunction[], apiPrefixes: string[]): RouteMiss {
  const table = new RouteTable<string>();
  // The templates carry the route prefix already (`/api/samples/{name}`): one literal segment more.
  for (const fn of functions) table.add(compileRoute(fn.template.replace(/^\/+/, ''), fn.methods, fn.name));
  return (method, target) => {
    const pathname = pathnameOf(target);
    if (pathname === undefined) return false;
    if (apiPrefixes.some((p) => pathname === p || pathname.startsWith(`${p}/`))) return false;
    return table.match(pathname.replace(/^\/+/, ''), method) === undefined;
  };
}

/** The path the host routes on: dot segments resolved, percent-escapes kept, as WHATWG URL does. */
export function pathnameOf(target: string): string | undefined {
  try {
    return target.startsWith('/') ? new URL(`http://127.0.0.1${target}`).pathname : new URL(target).pathname;
  } catch {
    return undefined;
  }
}
