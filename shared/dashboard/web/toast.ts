// One line at the bottom right that says what an action did, or why it did not; a click closes it.

let timer: number | undefined;

export function toast(message: string, error = false): void {
  const element = document.getElementById('toast')!;
  element.textContent = message;
  element.className = `toast visible${error ? ' error' : ''}`;
  element.title = 'Click to close';
  element.onclick = () => hide(element);
  clearTimeout(timer);
  timer = window.setTimeout(() => hide(element), error ? 8000 : 4000);
}

function hide(element: HTMLElement): void {
  clearTimeout(timer);
  element.className = 'toast';
}
