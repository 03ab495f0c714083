// `npm start` runs as npm → sh → node. Killing npm (not Ctrl+C in its terminal, which reaches
// every process of the terminal) takes the shell down but not node, which the system then adopts:
// the host and Azurite would go on holding ports 7071 and 10000–10002. Node has no "parent
// died" signal, so the serve command watches its parent's pid and stops when it changes.

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
