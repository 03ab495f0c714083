// The keys of the History and Instances tables, as DTFx writes them. Apart from the storage
// client, so that a process that only reads a task hub's rows (the test kit) need not load it.

/**
 * Azure Table keys may not contain / \ # ? or control characters; DTFx's KeySanitation escapes
 * them as the History and Instances tables hold them: `^` → `^^`, `/` → `^0`, `\` → `^1`,
 * `#` → `^2`, `?` → `^3`, and a control character → `^` then the character shifted up by U+00C0
 * (U+0001 → `^Á`). Every other character is kept, so an id takes at most twice its length.
 */
export function escapeKey(key: string): string {
  return key.replace(
    KEY_ESCAPED,
    (c) => `^${KEY_CODES[c] ?? String.fromCharCode(c.charCodeAt(0) + KEY_CONTROL_OFFSET)}`,
  );
}

const KEY_ESCAPED = /[\^/\\#?\u0000-\u001f\u007f-\u009f]/g;
const KEY_CODES: Record<string, string> = { '^': '^', '/': '0', '\\': '1', '#': '2', '?': '3' };
const KEY_CONTROL_OFFSET = 0xc0;

export function unescapeKey(key: string): string {
  const unescaped: Record<string, string> = { '^': '^', '0': '/', '1': '\\', '2': '#', '3': '?' };
  return key.replace(
    /\^([\s\S])/g,
    (_m, c: string) => unescaped[c] ?? String.fromCharCode(c.charCodeAt(0) - KEY_CONTROL_OFFSET),
  );
}
