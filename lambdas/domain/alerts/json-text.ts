/**
 * JSON text written already escaped, for the SNS message (docs/architecture.md, "Rendering in one pass"). With
 * `MessageStructure: json` every body is a JSON string inside the message's JSON, so the alert and the chat
 * notification are JSON texts escaped once more. Writing them escaped in one pass, instead of
 * `JSON.stringify(JSON.stringify(body))`, copies each text once and leaves nearly every piece as it is: most
 * pieces (names, ARNs, constant labels) contain nothing JSON escapes.
 */

/** Nothing that JSON escapes: no quote, backslash, control character or surrogate. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what JSON escapes.
const NOTHING_TO_ESCAPE = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** `text` as it reads between the quotes of a JSON string: `JSON.stringify(text)` without them. */
export function inJsonString(text: string): string {
  return NOTHING_TO_ESCAPE.test(text) ? text : JSON.stringify(text).slice(1, -1);
}

/** `text` as it reads inside a JSON string inside a JSON string (a string of the alert JSON, in the message). */
export function inJsonStringTwice(text: string): string {
  // `"\"` … `\""`: the quotes of both levels.
  return NOTHING_TO_ESCAPE.test(text) ? text : JSON.stringify(JSON.stringify(text)).slice(3, -3);
}

/**
 * How a renderer writes its text: as it is, or already escaped for one or two levels of JSON string.
 * Text escapes piece by piece (`escape(a + b) === escape(a) + escape(b)`, unless a surrogate pair is split
 * between `a` and `b`, which no renderer does: it escapes whole values), so a renderer escapes what it
 * writes as it goes and joins the pieces with the escaped line break.
 */
export interface Escaping {
  /** A piece of what the alert says (a value, never a line break). */
  text(piece: string): string;
  /** Any text, line breaks included. */
  anyText(text: string): string;
  newline: string;
}

const asIs = (text: string) => text;

export const AS_IS: Escaping = { text: asIs, anyText: asIs, newline: '\n' };
export const IN_JSON_STRING: Escaping = { text: inJsonString, anyText: inJsonString, newline: '\\n' };
export const IN_JSON_STRING_TWICE: Escaping = {
  text: inJsonStringTwice,
  anyText: inJsonStringTwice,
  newline: '\\\\n',
};

/**
 * The same escaping for an alert whose strings hold nothing JSON escapes ({@link holdsNothingToEscape}):
 * each piece it says is written as it is, unchecked. Checked once for the whole alert, not once per body.
 */
export function forCleanText(escaping: Escaping): Escaping {
  return { text: asIs, anyText: escaping.anyText, newline: escaping.newline };
}

/** Whether no string in the value, at any depth, holds anything JSON escapes (keys aside: they are checked once). */
export function holdsNothingToEscape(value: unknown): boolean {
  if (typeof value === 'string') return NOTHING_TO_ESCAPE.test(value);
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!holdsNothingToEscape(value[i])) return false;
    return true;
  }
  for (const key of Object.keys(value)) {
    if (!holdsNothingToEscape((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** How a string value is written: {@link inJsonStringTwice}, or as it is when it is known to need nothing. */
type StringEscaper = (text: string) => string;

/** Text already escaped twice, written as it is by {@link escapedJson}. */
export class EscapedTwice {
  constructor(readonly text: string) {}
}

/** A string value of a JSON text that is itself a JSON string's content. */
function quotedTwice(text: string): string {
  return `\\"${inJsonStringTwice(text)}\\"`;
}

/**
 * `JSON.stringify(JSON.stringify(value))` without its outer quotes, for plain data (objects, arrays,
 * strings, numbers, booleans, null) and {@link EscapedTwice} text: what `JSON.stringify` leaves out
 * (`undefined`, functions) is left out here too, and an object's keys come in the same order. The text is
 * joined as it is written (V8 joins the pieces once, when the message is read): a third faster than the two
 * `JSON.stringify` passes on the alerts of events/ (docs/architecture.md, "Rendering in one pass").
 */
export function escapedJson(value: unknown, escapeString: StringEscaper = inJsonStringTwice): string {
  return appendJson('', value, escapeString);
}

/** {@link escapedJson} of `{ ...object, ...more }`, without the copy, when `more`'s keys are not `object`'s. */
export function escapedObject(object: object, more?: object, escapeString: StringEscaper = inJsonStringTwice): string {
  const entries = appendEntries('{', object, true, escapeString);
  return `${more ? appendEntries(entries, more, entries.length === 1, escapeString) : entries}}`;
}

/** `written` followed by the value: each piece is appended where it is made, so that V8 joins the text once. */
function appendJson(written: string, value: unknown, escapeString: StringEscaper): string {
  switch (typeof value) {
    case 'string':
      return `${written}\\"${escapeString(value)}\\"`;
    case 'number':
      return written + (Number.isFinite(value) ? String(value) : 'null');
    case 'boolean':
      return written + (value ? 'true' : 'false');
    case 'object':
      if (value === null) return `${written}null`;
      if (value instanceof EscapedTwice) return `${written}\\"${value.text}\\"`;
      return Array.isArray(value)
        ? `${appendItems(`${written}[`, value, escapeString)}]`
        : `${appendEntries(`${written}{`, value, true, escapeString)}}`;
    default:
      return `${written}null`;
  }
}

function appendItems(written: string, values: readonly unknown[], escapeString: StringEscaper): string {
  let out = written;
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    out = isOmitted(values[i]) ? `${out}null` : appendJson(out, values[i], escapeString);
  }
  return out;
}

/** Appends the object's entries after `written`: after its `{` (`first`), or after an entry. */
function appendEntries(written: string, object: object, first: boolean, escapeString: StringEscaper): string {
  let out = written;
  let isFirst = first;
  for (const key of Object.keys(object)) {
    const value = (object as Record<string, unknown>)[key];
    if (isOmitted(value)) continue;
    out = appendJson(out + keyPrefix(key, isFirst), value, escapeString);
    isFirst = false;
  }
  return out;
}

/** Keys repeat from alert to alert (they are the alert's field names): each is escaped once. */
const keyPrefixes = new Map<string, readonly [first: string, next: string]>();
const KEY_PREFIXES_MAX = 1000;

/** `\"key\":`, after a comma unless it is the object's first key. */
function keyPrefix(key: string, first: boolean): string {
  let prefixes = keyPrefixes.get(key);
  if (prefixes === undefined) {
    const quoted = `${quotedTwice(key)}:`;
    prefixes = [quoted, `,${quoted}`];
    if (keyPrefixes.size < KEY_PREFIXES_MAX) keyPrefixes.set(key, prefixes);
  }
  return prefixes[first ? 0 : 1];
}

/**
 * Pieces joined by `separator`, left for V8 to join once when the message is read: `Array.join` would copy
 * them here and again into the message.
 */
export function joinLazily(pieces: readonly string[], separator: string): string {
  let out = pieces.length > 0 ? (pieces[0] as string) : '';
  for (let i = 1; i < pieces.length; i++) out += separator + pieces[i];
  return out;
}

function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
