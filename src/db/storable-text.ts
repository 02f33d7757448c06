// Text PostgreSQL will store: it refuses NUL characters in text and jsonb, and lone UTF-16 surrogates in jsonb.
// Whatever people send through Slack passes through here before it can reach a query.

// NUL, or any surrogate (checked further only when one is present).
const suspicious = /[\u0000\uD800-\uDFFF]/;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text without NUL characters, with each lone surrogate replaced by U+FFFD (as a UTF-8 encoder would). */
export function storableText(text: string): string {
  if (!suspicious.test(text)) return text;
  return text.replace(/\u0000/g, "").replace(loneSurrogate, "\uFFFD");
}

/**
 * Makes every string in a parsed JSON value storable, in place (keys too), and says whether anything changed.
 * In place, because Bolt hands listeners parts of the same request body it gives to middleware.
 */
export function makeStorable(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  let changed = false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== "string") changed = makeStorable(item) || changed;
      else if (storableText(item) !== item) {
        value[i] = storableText(item);
        changed = true;
      }
    }
    return changed;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    let item = record[key];
    if (typeof item !== "string") changed = makeStorable(item) || changed;
    else if (storableText(item) !== item) {
      item = record[key] = storableText(item);
      changed = true;
    }
    if (storableText(key) !== key) {
      delete record[key];
      record[storableText(key)] = item;
      changed = true;
    }
  }
  return changed;
}
