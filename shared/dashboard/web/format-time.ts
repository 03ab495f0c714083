// How the page writes a time: no DOM here, so the shared tests can import it.

/**
 * 14:03:07.120, with the date when it is not today, written 2026-12-08 whatever the browser's
 * language (the walkthrough saw 12/8/2026 beside the clock bar's ISO dates).
 */
export function time(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
  return d.toDateString() === new Date().toDateString()
    ? clock
    : `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${clock}`;
}
