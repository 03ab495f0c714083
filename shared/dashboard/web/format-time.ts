// How the page writes a time: no DOM here, so the shared tests can import it.

/**
 * 14:03:07.120, in UTC as the host's log and `npm run history` write it (the walkthrough, in
 * another time zone, saw the page's local times beside the log's), with the date when it is not
 * today (UTC), written 2026-12-08 whatever the browser's language.
 */
export function time(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
  const day = (at: Date) => at.toISOString().slice(0, 10);
  return day(d) === day(new Date()) ? clock : `${day(d)} ${clock}`;
}

/** An ISO time as a datetime-local input shows it: in UTC, as the list's times and the host's log. */
export function local(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toISOString().slice(0, 19);
}

/**
 * A datetime-local value, read as UTC, as ISO. `through`: the end of what it shows, so that "to
 * 12:23" takes in the whole minute (the walkthrough's from and to in one minute matched nothing).
 */
export function utc(value: string, through = false): string {
  if (!value) return '';
  const noSeconds = value.length === 16;
  const at = new Date(`${value}${noSeconds ? ':00' : ''}Z`);
  if (Number.isNaN(at.getTime())) return '';
  return new Date(at.getTime() + (through ? (noSeconds ? 59_999 : 999) : 0)).toISOString();
}
