// One line at the bottom that says what an action did, or why it did not.

let timer: number | undefined;

export function toast(message: string, error = false): void {
  const element = document.getElementById('toast')!;
  element.textContent = message;
  element.className = `toast visible${error ? ' error' : ''}`;
  clearTimeout(timer);
  timer = window.setTimeout(() => (element.className = 'toast'), error ? 8000 : 4000);
}
