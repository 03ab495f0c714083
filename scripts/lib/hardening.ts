// Hardening checks on a running process: it listens on loopback only — what the process
// really opened, and a connection to this machine's other addresses is refused. (The body
// limit and instance ids are inputs of the bad-input matrix; secrets are scanned in its logs.)

import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { fail, notRun, pass, type Finding } from './finding.ts';
import { isLoopback, listeningSockets } from './listening-sockets.ts';

/** Every TCP socket the process listens on is a loopback address, and one of them is `port`. */
export async function loopbackOnly(name: string, pid: number | undefined, port: number): Promise<Finding> {
  const listeners = pid === undefined ? undefined : await listeningSockets(pid);
  if (listeners === undefined) return notRun(name, 'this machine has no /proc to read listening sockets from');
  const described = listeners.map((l) => `${l.address}:${l.port}`).join(', ') || 'nothing';
  if (listeners.some((l) => !isLoopback(l.address))) return fail(name, `listens on ${described}: not loopback only`);
  if (!listeners.some((l) => l.port === port))
    return fail(name, `listens on ${described}, but not on its own port ${port}`);
  return pass(name, `listens on ${described}`);
}

/** This machine's addresses other than loopback (link-local IPv6 left out: it needs a scope). */
function otherAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .filter((entry) => !entry.internal && !entry.address.startsWith('fe80:'))
    .map((entry) => entry.address);
}

/** A connection to `port` on each of this machine's other addresses must fail. */
export async function refusedElsewhere(name: string, port: number): Promise<Finding> {
  const addresses = otherAddresses();
  if (addresses.length === 0) return notRun(name, 'this machine has no address other than loopback to try');
  const answered: string[] = [];
  const errors = new Set<string>();
  for (const address of addresses) {
    const outcome = await tryConnect(address, port);
    if (outcome === 'connected') answered.push(address);
    else errors.add(outcome);
  }
  if (answered.length > 0) return fail(name, `port ${port} accepts connections on ${answered.join(', ')}`);
  return pass(name, `port ${port} refused on ${addresses.join(', ')} (${[...errors].join(', ')})`);
}

function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}
