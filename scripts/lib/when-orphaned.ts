// `npm start` runs as npm → sh → node. Killing npm (not Ctrl+C in its terminal, which reaches
// every process of the terminal) takes the shell down but not node, which the system then adopts:
// the host and Azurite would go on holding ports 7071 and 10000–10002. Node has no "parent
// died" signal, so the serve command watches its parent's pid and stops when it changes.

import { dim } from './style.ts';

/** Calls `onOrphaned` once this process's parent is gone (its parent pid changes); returns a cancel. */
export function whenOrphaned(onOrphaned: () => void, intervalMs = 500): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onOrphaned();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * A command that runs until stopped stops, too, when npm above it is killed (saying so) or its
 * terminal closes (SIGHUP): `npm start`, `npm run lab:NN -- --watch`.
 */
export function stopWhenLeftRunning(command: string, doing: string, stop: () => void): void {
  process.once('SIGHUP', stop);
  whenOrphaned(() => {
    console.error(dim(`${command} was stopped from outside (npm ended): ${doing}.`));
    stop();
  });
}
