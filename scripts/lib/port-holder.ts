// Who holds a TCP port, for the message of `npm start` when its port is taken: the kernel's
// TCP tables name the listening socket, and /proc/<pid>/fd names the process that owns it.
// Linux only; elsewhere (or for another user's process) the holder is simply not named.
import { createServer } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { socketInodes, tcpListeners } from './listening-sockets.ts';
import { statFields } from './process-usage.ts';

export interface PortHolder {
  pid: number;
  /** The process's command line, shortened for one line of output. */
  command: string;
  /** When it is the host of another `npm start -- NN` of this workshop: that lab, and npm start's process. */
  npmStart?: { lab: string; pid: number };
}

/** True when nothing listens on 127.0.0.1:port (the address the host binds). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * True once nothing listens on the port, looking again every 100 ms for up to `withinMs`: an
 * `npm start` stopped with Ctrl+C a moment ago lets its port go when its host has stopped, within
 * half a second to 5 s (its requests and its worker get 2 s each).
 */
export async function portFreesWithin(port: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await isPortFree(port)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The first free port from `from` on, for a suggestion. */
export async function nextFreePort(from: number): Promise<number | undefined> {
  for (let port = from; port < Math.min(from + 50, 65536); port++) if (await isPortFree(port)) return port;
  return undefined;
}

/** The process listening on the port, when this machine lets us see it. */
export async function portHolder(port: number): Promise<PortHolder | undefined> {
  const inodes = new Set((await tcpListeners()).filter((l) => l.port === port).map((l) => l.inode));
  if (inodes.size === 0) return undefined;
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  for (const pid of pids) {
    const held = await socketInodes(pid).catch(() => new Set<string>());
    if ([...held].some((inode) => inodes.has(inode))) {
      const command = await commandLine(pid);
      const npmStart = await servingNpmStart(pid);
      return { pid: Number(pid), command: command.length > 80 ? `${command.slice(0, 77)}…` : command, npmStart };
    }
  }
  return undefined;
}

async function commandLine(pid: string): Promise<string> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return raw.split('\0').filter(Boolean).join(' ');
}

async function parentOf(pid: string): Promise<string | undefined> {
  // Field 4, the second after the command name.
  const ppid = statFields(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''))[1];
  return ppid && ppid !== '0' ? ppid : undefined;
}

/** The workshop's `npm start -- NN` the process serves for (it, or a parent a few levels up), if any. */
async function servingNpmStart(pid: string): Promise<PortHolder['npmStart']> {
  let current: string | undefined = pid;
  for (let level = 0; current && level < 4; level++) {
    const lab = /scripts\/(?:run\.mjs )?serve\.ts (\d{2})\b/.exec(await commandLine(current))?.[1];
    if (lab) return { lab, pid: Number(current) };
    current = await parentOf(current);
  }
  return undefined;
}

function byWhom(holder: PortHolder | undefined): string {
  if (holder?.npmStart) return `by another npm start -- ${holder.npmStart.lab} (process ${holder.npmStart.pid})`;
  return holder ? `by process ${holder.pid} (${holder.command || 'no command line'})` : 'by another program';
}

/** What to say when the host's port is taken: who holds it, and the command that avoids it. */
export async function portTakenAdvice(port: number, retryCommand: (freePort: number) => string): Promise<string[]> {
  const [holder, free] = await Promise.all([portHolder(port), nextFreePort(port + 1)]);
  const lines = [`Port ${port} is already in use ${byWhom(holder)}.`];
  const stop = holder?.npmStart ? 'Stop it with Ctrl+C in its terminal' : 'Stop that program';
  lines.push(
    free === undefined
      ? `${stop}, or serve on another port with --port.`
      : `${stop}, or serve on another port: ${retryCommand(free)}`,
  );
  return lines;
}

/**
 * What to say when Azurite's ports are taken by something that is not Azurite: the lab's
 * `UseDevelopmentStorage=true` means exactly these ports, so the only way out is to free them.
 */
export async function storagePortsAdvice(ports: number[]): Promise<string[]> {
  const lines: string[] = [];
  for (const port of ports) {
    if (await isPortFree(port)) continue;
    lines.push(`Port ${port} is already in use ${byWhom(await portHolder(port))}, and it does not answer as Azurite.`);
  }
  lines.push(
    `The labs' storage setting, UseDevelopmentStorage=true, means Azurite on ports ${ports.join(', ')}: stop that program, then run npm start again.`,
  );
  return lines;
}
