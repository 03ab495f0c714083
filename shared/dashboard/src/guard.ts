// Who may talk to the dashboard and the management API. Any web page the learner opens can send
// requests to 127.0.0.1, so:
//   - only Host values that name a loopback address are answered (the host's loopback-host.ts):
//     a page whose own domain was re-pointed at 127.0.0.1 (DNS rebinding) sends its own domain;
//   - the dashboard's writes need the token its page holds, sent in a header: another site can
//     neither read the page to learn it nor send a custom header without a CORS preflight, which
//     is never granted; and a browser's Origin and Sec-Fetch-Site, when sent, must say same origin.

import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';

/** The header the dashboard's page sends its token in. */
export const TOKEN_HEADER = 'x-dashboard-token';

/** A fresh token for one process's dashboard: 128 random bits. */
export function newToken(): string {
  return randomBytes(16).toString('base64url');
}

/** Why a write to the dashboard is refused, or undefined when it comes from the dashboard's own page. */
export function refuseWrite(req: IncomingMessage, token: string): string | undefined {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin')
    return `The dashboard only takes actions from its own page; this request came from another site (Sec-Fetch-Site: ${String(site).slice(0, 40)}).`;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host}`) {
    return `The dashboard only takes actions from its own page; this request came from ${JSON.stringify(String(origin).slice(0, 100))}.`;
  }
  if (req.headers[TOKEN_HEADER] !== token) {
    return "The dashboard only takes actions from its own page: the request did not carry the page's token. Reload the dashboard (the token changes when the host restarts).";
  }
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type !== 'application/json') return 'Send the action as JSON (Content-Type: application/json).';
  return undefined;
}
