// A child process's output, line by line, as the host prints its worker's output and the test
// kit reads the host's.

/**
 * Calls `onLine` for every line of `stream` (without its CR LF or LF; a last line without one is
 * flushed at the end) and `onChunk`, if given, with the text as it arrives.
 */
export function forEachLine(
  stream: NodeJS.ReadableStream,
  onLine: (line: string) => void,
  onChunk?: (text: string) => void,
): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    onChunk?.(chunk);
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line.replace(/\r$/, ''));
  });
  stream.on('end', () => {
    if (partial !== '') onLine(partial);
    partial = '';
  });
}
