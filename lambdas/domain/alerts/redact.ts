import { isAuthorizationKey, isHarmlessValue, isProse, isSecretKeyName } from './secret-names';
import { TOKEN_FORMATS } from './token-formats';

/**
 * Removes secrets from text before it leaves the function (README "Redaction and hostile input"). Rules match families,
 * not examples: key blocks (across log events), JWTs (whole or in parts), URL userinfo, Authorization
 * headers and bearer tokens, key/value pairs whose key means a secret (env, `key=value`, JSON, escaped
 * JSON, YAML, XML, language literals, command-line flags), AWS key ids and secrets in any join, and
 * the published formats of well-known tokens. Each rule keeps the context (the key, the scheme, the
 * host) and replaces only the secret; ordinary text (`secret: not found`, `token expired`) is left
 * as it is. Every pattern is linear in the length of the text (test/security/regex-safety.test.ts).
 */
export const REDACTED = '[REDACTED]';

/**
 * Redacts one text (a text holding several lines is read as consecutive log events); `lines` redacts
 * consecutive log events given one per element.
 */
export interface Redactor {
  (text: string): string;
  lines(lines: readonly string[]): string[];
}

/** Longest run a single value, quoted string or URL authority is followed for. */
const MAX_VALUE = 4096;

const KEY_BEGIN = /-----BEGIN[A-Z0-9 ]{0,40} (?:PRIVATE|SECRET) KEY(?: BLOCK)?-----/;
const KEY_END = /-----END[A-Z0-9 ]{0,40} (?:PRIVATE|SECRET) KEY(?: BLOCK)?-----/;
/** A line of a key body (base64), when the excerpt starts in the middle of a key. */
const KEY_BODY = /[A-Za-z0-9+/=]{16,}/;

const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){0,4}/g;
/** The rest of a JWT whose start ended the previous log event. */
const JWT_CONTINUATION = /^(\s*)(\.?[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){0,4})/;

const AWS_KEY_ID =
  /(?<![A-Za-z0-9])(?:AKIA|ASIA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|ABIA|ACCA|AGPA)[A-Z2-7]{16}(?![A-Za-z0-9])/g;
/** Key id and secret together, joined by up to three separator characters or none. */
const AWS_KEY_PAIR = /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z2-7]{16}[^A-Za-z0-9+]{0,3}[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/g;
const AWS_SECRET = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

/** `Bearer x`, `token x`, `Basic x` outside a header: only when what follows looks like a credential. */
const SCHEME_CREDENTIAL = /(?<![A-Za-z0-9_-])(bearer|token|basic)[ \t]{1,4}([A-Za-z0-9._~+/=-]{8,4096})/gi;

/** A command-line flag whose value follows a space: `--password hunter2`. */
const FLAG_VALUE = /(?<![A-Za-z0-9_-])(--?[A-Za-z][A-Za-z0-9_.-]{0,79})[ \t]{1,4}(?=[^\s-])/g;
/** `curl -u user:password`, `--user`, `--proxy-user`: the password after the colon. */
const USER_FLAG = /(?<![A-Za-z0-9_-])(?:-u|-U|--user|--proxy-user)(?:[ \t]{1,4}|=)["']?[^\s:"']{1,200}:(?=[^\s"'])/g;
/** `.netrc`: `machine HOST login USER password SECRET`. */
const NETRC = /(?<![A-Za-z0-9_-])(?:login|user)[ \t]{1,8}\S{1,200}[ \t]{1,8}password[ \t]{1,8}(?=\S)/g;
const XML_ELEMENT = /<([A-Za-z_][A-Za-z0-9_:.-]{0,79})>/g;
/** Cheap test before splitting a key into words. */
const SECRET_HINT = /pass|pwd|secret|token|cred|auth|session|sig|cookie|key/i;
/** A quick look for a URL authority. */
const SCHEME_BEFORE = /[A-Za-z][A-Za-z0-9+.-]{0,31}$/;

/** Words only (`expired`, `Authentication`, `read-only`): not a credential. */
const PLAIN_WORD = /^[A-Za-z][a-z]{0,30}(?:[-_'][A-Za-z][a-z]{0,30}){0,4}$/;

function looksLikeCredential(value: string): boolean {
  return value.length >= 8 && !PLAIN_WORD.test(value) && !isHarmlessValue(value);
}

function isMixedSecret(run: string): boolean {
  const count = (re: RegExp) => run.match(re)?.length ?? 0;
  return count(/[A-Z]/g) >= 3 && count(/[a-z]/g) >= 3 && count(/[0-9]/g) >= 1 && count(/\//g) < 3;
}

/** Replaces each match with REDACTED (or what `replace` returns), in one pass. */
function replaceAll(text: string, pattern: RegExp, replace: (m: RegExpExecArray) => string | undefined): string {
  pattern.lastIndex = 0;
  let out = '';
  let last = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (m[0] === '') {
      pattern.lastIndex++;
      continue;
    }
    const replacement = replace(m);
    if (replacement === undefined) continue;
    out += text.slice(last, m.index) + replacement;
    last = m.index + m[0].length;
  }
  return last === 0 ? text : out + text.slice(last);
}

interface Splice {
  start: number;
  end: number;
  replacement: string;
}

/** Like replaceAll, but each match may replace another span of the text (a value after its key). */
function spliceAll(text: string, pattern: RegExp, splice: (m: RegExpExecArray) => Splice | undefined): string {
  pattern.lastIndex = 0;
  let out = '';
  let last = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const found = m.index >= last ? splice(m) : undefined;
    if (found === undefined) continue;
    out += text.slice(last, found.start) + found.replacement;
    last = found.end;
    pattern.lastIndex = Math.max(pattern.lastIndex, found.end);
  }
  return last === 0 ? text : out + text.slice(last);
}

const redactWhole = () => REDACTED;

function redactTokenFormats(text: string): string {
  let out = text;
  for (const format of TOKEN_FORMATS) {
    if (out.includes(format.hint)) out = replaceAll(out, format.pattern, redactWhole);
  }
  return out;
}

function redactAws(text: string): string {
  let out = text;
  if (out.length >= 20 && /A[A-Z]{3}[A-Z2-7]{16}/.test(out)) {
    out = replaceAll(out, AWS_KEY_PAIR, redactWhole);
    out = replaceAll(out, AWS_KEY_ID, redactWhole);
  }
  if (out.length < 40) return out;
  return replaceAll(out, AWS_SECRET, (m) => (isMixedSecret(m[0]) ? REDACTED : undefined));
}

/**
 * `scheme://user:password@host`, any scheme, user optional, the password of any characters (`/` and
 * `@` included: the host is after the last `@` of the authority). A user alone is redacted when it is
 * a credential (`https://ghp_…@github.com`, a Sentry DSN key).
 */
function redactUrlUserinfo(text: string): string {
  let out = '';
  let last = 0;
  let at = text.indexOf('://');
  while (at >= 0) {
    const start = at + 3;
    if (!SCHEME_BEFORE.test(text.slice(Math.max(0, at - 32), at))) {
      at = text.indexOf('://', start);
      continue;
    }
    let end = start;
    const limit = Math.min(text.length, start + MAX_VALUE);
    while (end < limit && !/[\s"'<>`]/.test(text[end] as string)) end++;
    const authority = text.slice(start, end);
    const hostAt = lastHostAt(authority);
    if (hostAt > 0) {
      const userinfo = authority.slice(0, hostAt);
      const colon = userinfo.indexOf(':');
      let redacted: string | undefined;
      if (colon >= 0) {
        const password = userinfo.slice(colon + 1);
        if (password !== '' && !isHarmlessValue(password)) redacted = `${userinfo.slice(0, colon + 1)}${REDACTED}`;
      } else if (!userinfo.includes('/') && userinfo.length >= 16 && /\d/.test(userinfo) && /[A-Za-z]/.test(userinfo)) {
        redacted = REDACTED;
      }
      if (redacted !== undefined) {
        out += text.slice(last, start) + redacted;
        last = start + hostAt;
      }
    }
    at = text.indexOf('://', Math.max(end, start));
  }
  return last === 0 ? text : out + text.slice(last);
}

/** The last `@` of an authority that is followed by a host name (and a port, path, query or the end). */
function lastHostAt(authority: string): number {
  for (let i = authority.lastIndexOf('@'); i > 0; i = authority.lastIndexOf('@', i - 1)) {
    if (/^[A-Za-z0-9[][A-Za-z0-9._~%:[\]-]{0,253}(?:[/?#,;)]|$)/.test(authority.slice(i + 1, i + 300))) return i;
  }
  return -1;
}

function redactSchemeCredentials(text: string): string {
  return replaceAll(text, SCHEME_CREDENTIAL, (m) => {
    const [, scheme, credential] = m as unknown as [string, string, string];
    return looksLikeCredential(credential) ? `${scheme} ${REDACTED}` : undefined;
  });
}

function redactXmlElements(text: string): string {
  // Where each tag's next closing tag is: one forward search per tag name, however many open tags.
  const closes = new Map<string, number>();
  return spliceAll(text, XML_ELEMENT, (m) => {
    const tag = m[1] as string;
    if (!SECRET_HINT.test(tag) || !isSecretKeyName(tag)) return undefined;
    const start = m.index + m[0].length;
    let end = closes.get(tag);
    if (end === undefined || (end >= 0 && end < start)) {
      end = text.indexOf(`</${tag}>`, start);
      closes.set(tag, end);
    }
    if (end < 0 || end - start > MAX_VALUE || isHarmlessValue(text.slice(start, end))) return undefined;
    return { start, end, replacement: REDACTED };
  });
}

interface ValueSpan {
  /** Where the value (its content, without quotes) starts and ends in the text. */
  start: number;
  end: number;
  /** Where its first word ends (unquoted values). */
  firstEnd: number;
  /** Where the scan continues. */
  next: number;
  quoted: boolean;
}

/** Characters that always end an unquoted value. */
const HARD_DELIMITERS = new Set([' ', '\t', '\n', '\r', '\f', '\v', '}', ']', ')', '"', "'", '<', '>', '`', '\\']);

/** Soft delimiters end a value only before another `key=` (query strings, connection strings) or a space. */
const NEXT_PAIR = /^[&;,](?:[ \t]|$|["'\\{[]|[A-Za-z0-9_.-]{1,80}[=:])/;

/**
 * The value after a separator: a quoted string (plain or escaped), or an unquoted run. `toLineEnd`
 * takes an unquoted value to the end of the line or the next quote (header values); `extend` lets a
 * value of several plain words after `key = ` or `key: ` run to the end (`password = my pass phrase`).
 */
function valueAt(text: string, from: number, mode: 'word' | 'extend' | 'toLineEnd' = 'word'): ValueSpan | undefined {
  const opener = /^\\{0,3}["'`]/.exec(text.slice(from, from + 4))?.[0];
  if (opener) {
    const start = from + opener.length;
    const quote = opener.at(-1) as string;
    const limit = Math.min(text.length, start + MAX_VALUE);
    for (let i = start; i < limit; i++) {
      const ch = text[i];
      if (opener.length === 1 && ch === '\\') {
        i++;
        continue;
      }
      if (ch === quote && text.slice(i - (opener.length - 1), i + 1) === opener) {
        const end = i - (opener.length - 1);
        return { start, end, firstEnd: end, next: i + 1, quoted: true };
      }
    }
    // Unterminated (cut off): everything to the end is the value.
    return { start, end: limit, firstEnd: limit, next: limit, quoted: true };
  }
  const limit = Math.min(text.length, from + MAX_VALUE);
  let end = from;
  if (mode === 'toLineEnd') {
    let value = text.slice(from, limit);
    const newline = value.indexOf('\n');
    if (newline >= 0) value = value.slice(0, newline);
    // A header inside quotes (`-H "Authorization: …"`) ends at the quote that closes it.
    if ((value.match(/"/g)?.length ?? 0) % 2 === 1) value = value.slice(0, value.lastIndexOf('"'));
    const end = from + value.trimEnd().length;
    return end === from ? undefined : { start: from, end, firstEnd: end, next: end, quoted: false };
  }
  if (text[from] === '{' && text[from + 1] !== '{') return undefined; // an object: its own keys are read
  if (/^(?:\$\{|\{\{)/.test(text.slice(from, from + 2))) {
    const close = text.indexOf('}', from);
    if (close > 0 && close - from < 200) {
      const end = text[close + 1] === '}' ? close + 2 : close + 1;
      return { start: from, end, firstEnd: end, next: end, quoted: false };
    }
  }
  for (; end < limit; end++) {
    const ch = text[end] as string;
    if (HARD_DELIMITERS.has(ch)) break;
    if ((ch === '&' || ch === ';' || ch === ',') && NEXT_PAIR.test(text.slice(end, end + 82))) break;
  }
  if (end === from) return undefined;
  const span = { start: from, end, firstEnd: end, next: end, quoted: false };
  if (mode !== 'extend') return span;
  const words = /^(?:[ \t]+[^\s=:"'{}[\],;&<>`\\]+)+[ \t]*$/.exec(text.slice(end, end + 900));
  if (!words) return span;
  return { ...span, end: end + words[0].trimEnd().length, next: end + words[0].length };
}

/** Schemes of the HTTP Authentication Scheme Registry and common API schemes. */
const AUTH_SCHEMES =
  /^(?:basic|bearer|digest|negotiate|ntlm|kerberos|hoba|mutual|scram-sha-1|scram-sha-256|vapid|privatetoken|concealed|dpop|gnap|token|apikey|api-key|key|oauth|hawk|sharedkey|sharedaccesssignature|sso-key|splunk|aws4-hmac-sha256|aws|gssapi)$/i;

/** `Authorization: Bearer x`: the scheme stays, the credentials go. Prose (`denied for user bob`) stays. */
function redactAuthorization(value: string): string | undefined {
  if (isHarmlessValue(value)) return undefined;
  const [first = '', ...rest] = value.split(/[ \t]+/);
  if (AUTH_SCHEMES.test(first) && rest.length > 0) {
    return isHarmlessValue(rest.join(' ')) ? undefined : `${first} ${REDACTED}`;
  }
  const words = value.split(/[ \t]+/).map((w) => w.replace(/[:,;.!?]{1,8}$/, ''));
  return words.some(looksLikeCredential) ? REDACTED : undefined;
}

interface KeyMatch {
  /** Where the key starts (its quotes excluded). */
  index: number;
  key: string;
  separator: ':' | '=' | ':=' | '=>';
  /** Where the value starts: after the separator and up to 8 spaces or tabs. */
  valueFrom: number;
  spaced: boolean;
}

const isKeyChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c === 46 || c === 45;
const isBlank = (ch: string | undefined) => ch === ' ' || ch === '\t';

/**
 * The next `key<separator>` at or after `from`: `key=`, `key: `, `"key": `, `\"key\":`, `key := `,
 * `'key' => `, `--key=`. Found from each separator backwards (a scan, not a regular expression: a
 * line of separators costs one pass).
 */
function nextKeyValue(text: string, from: number): KeyMatch | undefined {
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch !== ':' && ch !== '=') continue;
    const next = text[i + 1];
    let separator: KeyMatch['separator'] = ch;
    if (ch === ':' && next === '=') separator = ':=';
    else if (ch === '=' && next === '>') separator = '=>';
    else if (ch === '=' && next === '=') {
      i++;
      continue;
    } else if (ch === ':' && next === '/' && text[i + 2] === '/') continue;
    let keyEnd = i;
    for (let blanks = 0; blanks < 8 && isBlank(text[keyEnd - 1]); blanks++) keyEnd--;
    if (/["'`]/.test(text[keyEnd - 1] ?? '')) {
      keyEnd--;
      for (let slashes = 0; slashes < 3 && text[keyEnd - 1] === '\\'; slashes++) keyEnd--;
    }
    let start = keyEnd;
    while (start > 0 && keyEnd - start < 80 && isKeyChar(text.charCodeAt(start - 1))) start--;
    if (start === keyEnd || (start > 0 && isKeyChar(text.charCodeAt(start - 1)))) continue;
    const first = text.charCodeAt(start);
    if (first >= 48 && first <= 57) continue;
    let valueFrom = i + separator.length;
    for (let blanks = 0; blanks < 8 && isBlank(text[valueFrom]); blanks++) valueFrom++;
    return {
      index: start,
      key: text.slice(start, keyEnd),
      separator,
      valueFrom,
      spaced: valueFrom > i + separator.length,
    };
  }
  return undefined;
}

function redactKeyValues(text: string, state: LineState): string {
  let out = '';
  let last = 0;
  for (let m = nextKeyValue(text, 0); m !== undefined; ) {
    const { key, valueFrom } = m;
    let resume = valueFrom;
    if (isSecretKeyName(key) && !insideArn(text, m.index)) {
      const decided = decideValue(text, m, state);
      if (decided) {
        resume = decided.next;
        if (decided.replacement !== undefined) {
          out += text.slice(last, decided.start) + decided.replacement;
          last = decided.end;
        }
      }
    }
    m = nextKeyValue(text, resume);
  }
  return last === 0 ? text : out + text.slice(last);
}

/** What to do with the value of a secret key: its span, its replacement (none to keep it), where to go on. */
function decideValue(
  text: string,
  m: KeyMatch,
  state: LineState,
): { start: number; end: number; next: number; replacement?: string } | undefined {
  const { key, separator, valueFrom } = m;
  const first = text[valueFrom];
  if (first === '[') {
    const array = redactStringArray(text, valueFrom);
    return array && { start: valueFrom, end: array.end, next: array.end, replacement: array.text };
  }
  const blockIndicator =
    (first === '|' || first === '>') && /^[|>][-+]?\d?[ \t]*$/.test(text.slice(valueFrom, valueFrom + 16));
  if (blockIndicator || (separator === ':' && (first === undefined || first === '\n' || first === '\r'))) {
    state.yamlBlock = { indent: indentOf(text), plain: !blockIndicator };
    return undefined;
  }
  const authorization = isAuthorizationKey(key);
  const span = valueAt(text, valueFrom, authorization ? 'toLineEnd' : m.spaced ? 'extend' : 'word');
  if (!span) return undefined;
  const value = text.slice(span.start, span.end);
  const keep = { start: span.start, end: span.end, next: span.next, replacement: undefined as string | undefined };
  if (authorization) {
    keep.replacement = redactAuthorization(value);
    return keep;
  }
  if (isHarmlessValue(value)) return keep;
  if (separator === ':' && !span.quoted && isProse(text, span.start, span.firstEnd)) return keep;
  keep.replacement = REDACTED;
  return keep;
}

/** `arn:aws:secretsmanager:…:secret:prod/db`: a resource type in an ARN is no key. */
function insideArn(text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - 300), at);
  return before.includes('arn:') && /\barn:[^\s"']{0,300}$/.test(before);
}

/** `"tokens": ["a", "b"]`: each string of a flat array. */
function redactStringArray(text: string, from: number): { text: string; end: number } | undefined {
  const close = text.indexOf(']', from);
  if (close < 0 || close - from > MAX_VALUE) return undefined;
  const inner = text.slice(from, close + 1);
  if (inner.includes('[', 1)) return undefined;
  const redacted = inner.replace(
    /(\\{0,3}")([^"\\]{1,4096})(\\{0,3}")/g,
    (whole, open: string, value: string, end: string) => (isHarmlessValue(value) ? whole : `${open}${REDACTED}${end}`),
  );
  return { text: redacted, end: close + 1 };
}

function redactFlags(text: string): string {
  if (!text.includes('-')) return text;
  return spliceAll(text, FLAG_VALUE, (m) => {
    const flag = m[1] as string;
    if (!SECRET_HINT.test(flag) || !isSecretKeyName(flag)) return undefined;
    const start = m.index + m[0].length;
    const span = valueAt(text, start);
    if (!span || isHarmlessValue(text.slice(span.start, span.end))) return undefined;
    return { start: span.start, end: span.end, replacement: REDACTED };
  });
}

function redactNetrc(text: string): string {
  return redactAfter(text, NETRC);
}

/** Redacts the word that follows each match (a value whose key the pattern recognised). */
function redactAfter(text: string, pattern: RegExp): string {
  return spliceAll(text, pattern, (m) => {
    const start = m.index + m[0].length;
    const end = /^[^\s"']{1,4096}/.exec(text.slice(start, start + 4096))?.[0].length ?? 0;
    const value = text.slice(start, start + end);
    return isHarmlessValue(value) ? undefined : { start, end: start + end, replacement: REDACTED };
  });
}

function indentOf(line: string): number {
  let i = 0;
  while (isBlank(line[i])) i++;
  return i;
}

/** What one line leaves open for the next log events. */
interface LineState {
  keyBlock: boolean;
  yamlBlock?: { indent: number; plain: boolean };
  jwtTail: boolean;
}

function redactKeyMarker(line: string, state: LineState): string {
  const begin = KEY_BEGIN.exec(line);
  if (!begin) return line;
  const after = begin.index + begin[0].length;
  const end = KEY_END.exec(line.slice(after));
  if (end) {
    const body = line.slice(after, after + end.index);
    const tail = redactKeyMarker(line.slice(after + end.index), state);
    return `${line.slice(0, after)}${/[A-Za-z0-9]/.test(body) ? REDACTED : body}${tail}`;
  }
  state.keyBlock = true;
  return line.slice(after).trim() === '' ? line : `${line.slice(0, after)}${REDACTED}`;
}

/** One log event through every single-line rule, in order: the more specific rules first. */
/** What every single-line rule needs to find in a line before it can match (most log lines have one). */
const ANY_RULE = /[=:<@/-]|eyJ|bearer|token|basic|password|[A-Za-z0-9+/]{16}/i;

function redactLine(line: string, state: LineState, extras: RegExp[]): string {
  let out = line;
  if (!ANY_RULE.test(out)) {
    for (const extra of extras) out = replaceAll(out, extra, redactWhole);
    return out;
  }
  if (out.includes('KEY')) out = redactKeyMarker(out, state);
  out = redactAws(out);
  if (out.includes('eyJ')) {
    state.jwtTail = false;
    out = replaceAll(out, JWT, (m) => {
      if (m.index + m[0].length === out.length) state.jwtTail = true;
      return REDACTED;
    });
  }
  if (out.includes('://')) out = redactUrlUserinfo(out);
  if (out.length >= 14) out = redactSchemeCredentials(out);
  if (out.includes('<')) out = redactXmlElements(out);
  out = redactKeyValues(out, state);
  out = redactFlags(out);
  if (out.includes('password') && (out.includes('login') || out.includes('user'))) out = redactNetrc(out);
  if (out.includes('-')) out = redactAfter(out, USER_FLAG);
  for (const extra of extras) out = replaceAll(out, extra, redactWhole);
  return out;
}

/**
 * Redacts consecutive log events (one per line): a key block is redacted from its BEGIN line to its
 * END line (or to the end of the excerpt), a key whose BEGIN line was cut off is recognised by its END
 * line, a JWT split across events is redacted in every part, and a YAML block scalar under a secret key
 * is redacted line by line.
 */
export function redactLines(lines: readonly string[], extras: RegExp[] = []): string[] {
  const state: LineState = { keyBlock: false, jwtTail: false };
  const out: string[] = [];
  // Token formats never span lines: one pass over the whole text instead of one per line.
  const tokenized = lines.some((line) => line.includes('\n'))
    ? lines.map(redactTokenFormats)
    : redactTokenFormats(lines.join('\n')).split('\n');
  for (const line of tokenized) {
    if (state.keyBlock) {
      const end = KEY_END.exec(line);
      if (end) {
        state.keyBlock = false;
        const before = line.slice(0, end.index);
        out.push(`${/[A-Za-z0-9]/.test(before) ? REDACTED : before}${line.slice(end.index)}`);
      } else {
        out.push(line.trim() === '' ? line : REDACTED);
      }
      continue;
    }
    const yaml = state.yamlBlock;
    if (yaml) {
      const inside = line.trim() === '' || indentOf(line) > yaml.indent;
      const scalar = !yaml.plain || !/^\s*(?:-\s|[A-Za-z0-9_"'.-]+:(?:\s|$))/.test(line);
      if (inside && scalar) {
        out.push(line.trim() === '' ? line : `${line.slice(0, indentOf(line))}${REDACTED}`);
        if (yaml.plain) state.yamlBlock = undefined;
        continue;
      }
      state.yamlBlock = undefined;
    }
    let text = line;
    if (state.jwtTail) {
      state.jwtTail = false;
      const rest = JWT_CONTINUATION.exec(text);
      if (rest) {
        const [whole, space] = rest as unknown as [string, string];
        state.jwtTail = whole.length === text.length;
        text = `${space}${REDACTED}${text.slice(whole.length)}`;
      }
    }
    // An END line with no BEGIN before it: the excerpt started inside the key.
    const end = text.includes('-----END') ? KEY_END.exec(text) : null;
    if (end && !KEY_BEGIN.test(text)) {
      for (let i = out.length - 1; i >= 0 && KEY_BODY.test(out[i] as string) && !KEY_END.test(out[i] as string); i--) {
        out[i] = REDACTED;
      }
      text = `${/[A-Za-z0-9+/]{16,}/.test(text.slice(0, end.index)) ? REDACTED : text.slice(0, end.index)}${text.slice(end.index)}`;
    }
    out.push(redactLine(text, state, extras));
  }
  return out;
}

/** Compiles extra patterns (regular expression sources, from the `redactPatterns` setting). */
export function compileExtraPatterns(sources: readonly string[]): RegExp[] {
  return sources.map((source) => new RegExp(source, 'g'));
}

/** Builds a redactor with the built-in rules plus extra patterns (regular expression sources). */
export function makeRedactor(extraPatterns: readonly string[] = []): Redactor {
  const extras = compileExtraPatterns(extraPatterns);
  const text = (value: string) => redactLines(value.split('\n'), extras).join('\n');
  return Object.assign(text, { lines: (lines: readonly string[]) => redactLines(lines, extras) });
}

export const redact: Redactor = makeRedactor();
