// The TCP addresses a process listens on, read from Linux's /proc: the sockets among the
// process's open files, matched by inode against the kernel's TCP tables. This sees every
// listener the process opened — not only the one its own code reports.

import { readdir, readFile, readlink } from 'node:fs/promises';

export interface Listener {
  address: string;
  port: number;
}

const LISTEN = '0A';

/** The socket inodes among a process's open files; throws where /proc cannot tell. */
export async function socketInodes(pid: number | string): Promise<Set<string>> {
  const fds = await readdir(`/proc/${pid}/fd`);
  const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  return new Set(
    links.map((link) => /^socket:\[(\d+)\]$/.exec(link)?.[1]).filter((inode): inode is string => inode !== undefined),
  );
}

/** Every listening TCP socket of the machine, from the kernel's tables (empty where there are none to read). */
export async function tcpListeners(): Promise<Array<Listener & { inode: string }>> {
  const listeners: Array<Listener & { inode: string }> = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (!local || state !== LISTEN || !inode || inode === '0') continue;
      const [hexAddress = '', hexPort = ''] = local.split(':');
      listeners.push({ address: decodeAddress(hexAddress), port: Number.parseInt(hexPort, 16), inode });
    }
  }
  return listeners;
}

/** The process's listening TCP sockets; undefined where /proc cannot tell (not Linux, or no access). */
export async function listeningSockets(pid: number): Promise<Listener[] | undefined> {
  const inodes = await socketInodes(pid).catch(() => undefined);
  if (!inodes) return undefined;
  return (await tcpListeners())
    .filter((listener) => inodes.has(listener.inode))
    .map(({ address, port }) => ({ address, port }));
}

/** /proc/net/tcp writes addresses as 32-bit words in host (little-endian) byte order. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => (word.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
    return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':'); // uncompressed: 0:0:0:0:0:0:0:1 is ::1
}

export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || /^::ffff:127\./.test(address) || address === '0:0:0:0:0:0:0:1';
}
