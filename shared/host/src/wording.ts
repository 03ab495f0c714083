// Small helpers for the host's own sentences, which often end with text the host does not write
// (an error's message, a termination reason, a binding type): one full stop, never two, and
// "a" or "an" as the word that follows is said.

/**
 * `text` ending with a full stop: one is added only when it does not end with `.`, `!` or `?`
 * already (also before a closing quote or bracket: `…'x.'`, `…(see above.)`).
 */
export function sentence(text: string | null | undefined): string {
  const trimmed = String(text ?? '').trimEnd();
  if (trimmed === '' || /[.!?…]["'’”)\]]*$/.test(trimmed)) return trimmed;
  return `${trimmed}.`;
}

/**
 * `word` after "a" or "an", by its first letter as the host's words are said: `an entityTrigger`,
 * `an EventRaised`, `a TaskCompleted`, `a blobTrigger`. (Words that start with a vowel letter but
 * a consonant sound, such as "user" or "one", do not come up in the host's messages.)
 */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}
