// What `npm start` says of the storage it runs on: its own Azurite it starts and stops; another
// program's it only uses, and may find gone (the walkthrough stopped one under npm start).

export type StorageKind = 'started' | 'reused';

/** What Ctrl+C stops, after "Ctrl+C stops it" (the host) or "Ctrl+C stops npm start". */
export function andAzurite(kind: StorageKind): string {
  return kind === 'started' ? ' and Azurite' : '';
}

/** The last line after Ctrl+C; `othersStillRuns`: another program's Azurite still listens. */
export function stoppedLine(kind: StorageKind, othersStillRuns: boolean, again: string): string {
  if (kind === 'started')
    return `Stopped the host and Azurite (its data stays in .workshop/azurite). ${again} starts them again.`;
  return othersStillRuns
    ? `Stopped the host; the Azurite that was already running is left running. ${again} starts the host again.`
    : `Stopped the host. The Azurite another program had started has stopped too. ${again} starts both.`;
}
