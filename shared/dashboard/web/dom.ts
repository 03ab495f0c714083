// Small helpers to build the page from data: elements with text (never HTML from data, so a
// payload can hold anything), times, sizes and status badges.

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'number' ? String(child) : child);
  }
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg(
  tag: string,
  attributes: Record<string, string | number> = {},
  ...children: Array<Node | string>
): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

export { time } from './format-time.ts';

/** 820 B, 12.3 KB, 187 KB (1 KB = 1024 bytes, as the limits are counted). */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const kb = n / 1024;
  if (kb < 1024) return `${kb >= 10 ? Math.round(kb) : Math.round(kb * 10) / 10} KB`;
  return `${Math.round((kb / 1024) * 10) / 10} MB`;
}

/** 0 ms, 250 ms, 1.2 s, 3 min 5 s. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function badge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status.toLowerCase()}` }, status);
}

/** JSON text pretty-printed when it parses, as it is otherwise. */
export function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * Redraws `parent` with `children` and keeps what the learner was doing: what they typed in
 * fields with an id, which <details data-key> they opened or closed, the focus and the scroll.
 * A live update must never wipe a half-typed event name.
 */
export function redraw(parent: HTMLElement, children: Node[]): void {
  const values = new Map<string, string>();
  for (const field of parent.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(
    'input[id], textarea[id], select[id]',
  ))
    values.set(field.id, field.value);
  // Only what the learner opened or closed is kept: a block that is open by default once it is
  // short (an output that arrived) follows its new default (the walkthrough's stayed folded).
  const open = new Map<string, boolean>();
  for (const details of parent.querySelectorAll<HTMLDetailsElement>('details[data-key]'))
    if (details.open !== (details.dataset.default === 'open')) open.set(details.dataset.key!, details.open);
  const focused =
    document.activeElement instanceof HTMLElement && parent.contains(document.activeElement)
      ? document.activeElement.id
      : '';
  const { scrollX, scrollY } = window;
  parent.replaceChildren(...children);
  for (const [id, value] of values) {
    const field = document.getElementById(id) as HTMLInputElement | null;
    if (field && 'value' in field) field.value = value;
  }
  for (const details of parent.querySelectorAll<HTMLDetailsElement>('details[data-key]')) {
    const was = open.get(details.dataset.key!);
    if (was !== undefined) details.open = was;
  }
  if (focused) document.getElementById(focused)?.focus({ preventScroll: true });
  window.scrollTo(scrollX, scrollY);
}

/**
 * A name with a line-break opportunity at each capital after a small letter: a narrow column
 * wraps "thumbnailOrchestrator" as thumbnail / Orchestrator, not mid-word (the walkthrough at 800 px).
 */
export function camelBreaks(text: string): Array<Node | string> {
  return text.split(/(?<=[a-z])(?=[A-Z])/).flatMap((part, i) => (i > 0 ? [h('wbr'), part] : [part]));
}
