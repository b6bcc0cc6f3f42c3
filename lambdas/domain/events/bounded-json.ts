/**
 * JSON text of an untrusted value within a depth and a length: `JSON.stringify` overflows the stack on
 * nesting a few thousand deep, and a 256 KB event is too long to log or to hash whole. Deeper values
 * print as `"…"`; the text stops at `maxChars`. Keys are sorted when `sorted` (a stable form).
 */
export interface BoundedJsonOptions {
  maxChars: number;
  maxDepth?: number;
  sorted?: boolean;
  /** Keys whose values are left out (printed as `"[omitted]"`). */
  omit?: ReadonlySet<string>;
}

export function boundedJson(value: unknown, options: BoundedJsonOptions): string {
  const { maxChars, maxDepth = 32, sorted = false, omit } = options;
  let out = '';
  const write = (text: string) => {
    if (out.length < maxChars) out += text.length > maxChars - out.length ? text.slice(0, maxChars - out.length) : text;
  };
  const walk = (v: unknown, depth: number): void => {
    if (out.length >= maxChars) return;
    if (v === null || typeof v === 'number' || typeof v === 'boolean') {
      write(String(v === null || Number.isFinite(v) || typeof v === 'boolean' ? v : null));
    } else if (typeof v === 'string') {
      write(JSON.stringify(v.length > maxChars ? v.slice(0, maxChars) : v));
    } else if (typeof v !== 'object') {
      write('null');
    } else if (depth >= maxDepth) {
      write('"…"');
    } else if (Array.isArray(v)) {
      write('[');
      v.forEach((item, i) => {
        if (i > 0) write(',');
        walk(item, depth + 1);
      });
      write(']');
    } else {
      const keys = Object.keys(v);
      if (sorted) keys.sort();
      write('{');
      keys.forEach((key, i) => {
        if (i > 0) write(',');
        write(`${JSON.stringify(key)}:`);
        if (omit?.has(key)) write('"[omitted]"');
        else walk((v as Record<string, unknown>)[key], depth + 1);
      });
      write('}');
    }
  };
  walk(value, 0);
  return out.length >= maxChars ? `${out}…` : out;
}

/** FNV-1a over UTF-16 code units, 64 bits as two 32-bit lanes: a stable, dependency-free digest. */
export function digest(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c ^ (h1 >>> 15), 0x5bd1e995);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}
