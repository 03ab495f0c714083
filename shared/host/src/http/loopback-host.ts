// Pages that act on the task hub (the management API, the dashboard) answer only requests
// addressed to this machine by name. A web page whose own domain was re-pointed at 127.0.0.1
// (DNS rebinding) can reach the host, but its requests still carry that domain as Host.

/** The host name of a Host header value (`[::1]:7071` → `::1`), lower case, without a final dot. */
function hostName(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return value.slice(1, end === -1 ? undefined : end);
  }
  const colon = value.lastIndexOf(':');
  return (colon === -1 ? value : value.slice(0, colon)).replace(/\.$/, '');
}

/** True for 127.0.0.0/8, ::1, localhost and names under .localhost (RFC 6761: always loopback). */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = hostName(host);
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === '::1' || name === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** Why a request with this Host header is refused, or undefined when it names this machine. */
export function foreignHostProblem(host: string | undefined): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  return (
    `This address answers only requests addressed to this machine (127.0.0.1, localhost or [::1]); ` +
    `the Host header said ${JSON.stringify(String(host ?? '').slice(0, 100))}. Use http://127.0.0.1:<port>/ instead.`
  );
}
