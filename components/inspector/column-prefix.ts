// Completing column names in the SQL editor (sql-editor.tsx).

/**
 * Where, in the text before the cursor, the start of a column name typed so far over several words
 * begins (a 0-based index; at a quote when it is quoted), if the typed words are the start of `name`.
 */
export function multiWordStart(typed: string, name: string): number | undefined {
  const lower = name.toLowerCase();
  for (let len = Math.min(typed.length, name.length + 1); len > 0; len--) {
    const start = typed.length - len;
    const tail = typed.slice(start);
    const bare = tail.startsWith('"') ? tail.slice(1) : tail;
    if (!bare.includes(' ') || /^\s/.test(bare)) continue;
    // It starts a word: nothing of a name or a quoted name right before it.
    if (start > 0 && /[\p{L}\p{N}_"]/u.test(typed[start - 1]!)) continue;
    if (lower.startsWith(bare.toLowerCase())) return start;
  }
  return undefined;
}
