/**
 * Text PostgreSQL cannot store: jsonb and text refuse a NUL character (U+0000), and
 * a UTF-16 surrogate without its pair has no UTF-8 form (jsonb refuses `\ud800`).
 * Such a value in one event used to fail the whole statement it shared with other
 * callers' events, so it is refused per event, at the edge, naming the field.
 */

// A NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored, or undefined when it can. */
export function textProblem(s: string): string | undefined {
  if (!UNSTORABLE.test(s)) return undefined;
  return s.includes('\u0000')
    ? 'contains a NUL character (\\u0000), which cannot be stored'
    : 'contains a lone UTF-16 surrogate, which is not valid Unicode';
}

/** A field's path for a message: dotted names, quoted (and so escaped) where a name is not plain. */
function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
    ? `${path}.${key}`
    : `${path}[${JSON.stringify(key)}]`;
}

/**
 * The first field of `value` (names and strings, depth first) that cannot be stored,
 * with why; undefined when all can. Iterative, so a deeply nested body cannot
 * exhaust the stack.
 */
export function unstorableField(value: unknown, path = 'data'): string | undefined {
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0) {
    const [v, p] = stack.pop() as [unknown, string];
    if (typeof v === 'string') {
      const why = textProblem(v);
      if (why) return `${p} ${why}`;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], child(p, i)]);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i] as [string, unknown];
        const keyWhy = textProblem(key);
        if (keyWhy) return `${child(p, key)}: the field name ${keyWhy}`;
        stack.push([item, child(p, key)]);
      }
    }
  }
  return undefined;
}
