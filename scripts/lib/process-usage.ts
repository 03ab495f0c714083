import { readFileSync } from 'node:fs';

// Peak memory and CPU time of child processes (the host, Azurite), read from Linux's /proc.
// VmHWM is the process's own high-water mark of resident memory, so sampling now and then
// cannot miss a peak that fell between two samples, as long as the last sample comes before
// the process ends; CPU time only grows, so the last sample is the figure.

/** Clock ticks per second of /proc/<pid>/stat's times: 100 on every Linux that Node runs on. */
const CLOCK_TICKS = 100;

export interface ProcessSample {
  /** Peak resident memory so far, bytes. */
  peakRss: number;
  /** User + system CPU time, seconds. */
  cpuSeconds: number;
}

/**
 * The fields of a /proc/<pid>/stat line after the command name, from the state (field 3) on:
 * the name, in parentheses, may hold spaces; the fields after its closing parenthesis do not.
 */
export function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** One reading of a process, or undefined where /proc is not available (not Linux, process gone). */
export function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    const fields = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    const ticks = Number(fields[11]) + Number(fields[12]);
    if (!hwm || !Number.isFinite(ticks)) return undefined;
    return { peakRss: Number(hwm[1]) * 1024, cpuSeconds: ticks / CLOCK_TICKS };
  } catch {
    return undefined;
  }
}

/**
 * Follows named processes: the highest peak of memory, and the CPU time each one used since it
 * was first watched. Sample before stopping or killing a process: its figures go with it.
 */
export class ProcessUsage {
  readonly #figures = new Map<string, ProcessSample>();
  readonly #watched = new Map<string, number>();
  /** CPU time each process had used when it was first watched: what came before is not ours to count. */
  readonly #baseline = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  /** Watches `pid` under `name` from now on. */
  watch(name: string, pid: number | undefined): void {
    if (pid === undefined || this.#stopped) return;
    this.#watched.set(name, pid);
    this.#baseline.set(name, sampleProcess(pid)?.cpuSeconds ?? 0);
    this.sample();
    this.#timer ??= setInterval(() => this.sample(), 250).unref();
  }

  sample(): void {
    if (this.#stopped) return;
    for (const [name, pid] of this.#watched) {
      const sample = sampleProcess(pid);
      if (sample === undefined) continue;
      const known = this.#figures.get(name);
      const cpuSeconds = sample.cpuSeconds - (this.#baseline.get(name) ?? 0);
      this.#figures.set(name, { peakRss: Math.max(sample.peakRss, known?.peakRss ?? 0), cpuSeconds });
    }
  }

  /** What was seen of `name`, or undefined when it could never be read. */
  figures(name: string): ProcessSample | undefined {
    return this.#figures.get(name);
  }

  /** Takes a last sample and stops: the figures stay as they are now (calling it again changes nothing). */
  stop(): void {
    if (this.#stopped) return;
    this.sample();
    this.#stopped = true;
    clearInterval(this.#timer);
  }
}
