/** A LIKE pattern matching any part of what was typed (the wildcards people type are taken out). */
export function likePattern(text: string): string {
  return `%${withoutWildcards(text)}%`;
}

/** What was typed, without the characters LIKE treats specially. */
export function withoutWildcards(text: string): string {
  return text.replace(/[%_\\]/g, '');
}
