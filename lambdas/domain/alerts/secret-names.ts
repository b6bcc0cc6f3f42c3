/**
 * Does a key (an environment variable, a JSON or YAML key, a query parameter, a header, a flag) *mean*
 * a secret? Keys are split into words in any case style (camel, snake, kebab, upper, dotted), and a
 * word means secret when it is, or ends with, one of the secret stems: `PGPASSWORD`, `SECRET_KEY_BASE`,
 * `clientSecret`, `x-amz-security-token`, `_authToken`, `--db-password`. A key whose words after the
 * secret word describe it instead of holding it (`token_type`, `secret_name`, `password_file`,
 * `refresh_token_expires_in`) is not a secret.
 */

/** Word endings that mean a secret: `password`, `pgpassword`, `oauth`, `csrftoken`, `accesskey`... */
const SECRET_WORD =
  /(?:password|passwd|passphrase|secret|token|credential|creds|auth|session|signature|cookie|(?:api|app|access|private|account|master|encryption|signing|license)key)s?$/;
/** Whole words only: these are too short to be trusted as endings (`cwd`, `bypass`). */
const SECRET_EXACT = new Set(['pwd', 'pass', 'sig', 'authorization']);
/** Two-word secrets: `api key`, `access key`, `private key`... */
const KEY_QUALIFIERS = new Set([
  'api',
  'app',
  'access',
  'private',
  'account',
  'master',
  'encryption',
  'signing',
  'license',
]);

/** Words after the secret word that make the key describe the secret, not hold it. */
const METADATA_WORDS = new Set([
  'type',
  'types',
  'kind',
  'name',
  'names',
  'arn',
  'arns',
  'id',
  'ids',
  'path',
  'paths',
  'file',
  'files',
  'dir',
  'url',
  'uri',
  'endpoint',
  'host',
  'provider',
  'source',
  'manager',
  'store',
  'backend',
  'engine',
  'mount',
  'expiry',
  'expires',
  'expiration',
  'exp',
  'ttl',
  'lifetime',
  'age',
  'timeout',
  'count',
  'length',
  'len',
  'size',
  'max',
  'min',
  'limit',
  'version',
  'policy',
  'rotation',
  'enabled',
  'required',
  'format',
  'hint',
  'prompt',
  'label',
  'field',
  'prefix',
  'usage',
  'used',
  'algorithm',
  'alg',
  'method',
  'scheme',
  'mode',
  'level',
  'location',
  'region',
  'ref',
  'param',
  'var',
  'status',
  'state',
  'error',
  'stdin',
  'header',
  // Operations on secrets name a step, not a value: `SECRETS_PULL` (a stop category), `token_refresh`, `secret_fetch`.
  'pull',
  'fetch',
  'load',
  'lookup',
  'sync',
  'retrieval',
  'rotate',
  'renewal',
  'check',
  'validation',
  'verification',
]);
/** Identifiers of these are themselves credentials (`session_id`, `JSESSIONID`). */
const IDS_ARE_SECRET = new Set(['session', 'sessions', 'cookie']);

/** `clientSecret` → client secret; `X-API-KEY` → x api key; `SECRET_KEY_BASE` → secret key base. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** Keys repeat (every line of a log has the same ones): their verdicts are kept, up to a bound. */
const verdicts = new Map<string, { secret: boolean; authorization: boolean }>();

function verdictOf(key: string): { secret: boolean; authorization: boolean } {
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    if (verdicts.size >= 4096) verdicts.clear();
    verdict = { secret: classifyKeyName(key), authorization: isAuthorizationWords(keyWords(key)) };
    verdicts.set(key, verdict);
  }
  return verdict;
}

export function isSecretKeyName(key: string): boolean {
  return verdictOf(key).secret;
}

function classifyKeyName(key: string): boolean {
  if (key.length > 80) return false;
  const words = keyWords(key);
  let last = -1;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const compound = word === 'key' && i > 0 && KEY_QUALIFIERS.has(words[i - 1] as string);
    if (SECRET_EXACT.has(word) || SECRET_WORD.test(word) || compound) last = i;
  }
  if (last < 0) return false;
  const secretWord = (words[last] as string).replace(/^.*(session|cookie)s?$/, '$1');
  return !words.slice(last + 1).some((w) => METADATA_WORDS.has(w) && !(IDS_ARE_SECRET.has(secretWord) && w === 'id'));
}

/** Keys whose value starts with an authentication scheme that is worth keeping: `Authorization: Bearer …`. */
export function isAuthorizationKey(key: string): boolean {
  return verdictOf(key).authorization;
}

function isAuthorizationWords(words: string[]): boolean {
  return words.includes('authorization') || (words.at(-1) === 'auth' && words.includes('header'));
}

/** Values that say something about a secret without being one. */
const STATE_WORDS = new Set([
  'true',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'null',
  'nil',
  'none',
  'undefined',
  'empty',
  'enabled',
  'disabled',
  'required',
  'optional',
  'missing',
  'invalid',
  'expired',
  'revoked',
  'unset',
  'set',
  'present',
  'absent',
  'redacted',
  'hidden',
  'masked',
  'omitted',
  'filtered',
  'removed',
  'n/a',
  'na',
  'unknown',
  'default',
  'ok',
  'valid',
  'found',
  'denied',
  'failed',
  'refreshed',
  'rotated',
  'provided',
  'supplied',
  'changed',
  'updated',
  'created',
  'deleted',
  'accepted',
  'rejected',
  'verified',
  'stored',
  'saved',
  'loaded',
  'sent',
  'received',
  'issued',
  'ignored',
  'skipped',
  'started',
  'closed',
  'opened',
  'ended',
  'active',
  'inactive',
  'pending',
  'error',
  'malformed',
  'mismatch',
  'incorrect',
  'wrong',
  'bad',
  'blank',
]);

/** Placeholders, references, paths and the like, by their first character (one or two tests a value). */
const PLACEHOLDERS: Record<string, RegExp[]> = {
  '*': [/^\*+$/], // ****
  '.': [/^[.\u2026]+$/], // ...
  '\u2026': [/^[.\u2026]+$/], // …
  '-': [/^-+$/],
  $: [/^\$(?:\{[^}]{0,200}\}|[A-Za-z_][A-Za-z0-9_]{0,100})$/], // ${DB_PASSWORD}, $DB_PASSWORD
  '{': [/^\{\{[^}]{0,200}\}\}$/], // {{ secret }}
  '%': [/^%\(?[a-z_]{0,40}\)?[sd]$/], // %s, %(password)s
  '<': [/^<[^<>]{0,100}>$/], // <password>
  '[': [/^\[[A-Za-z_ -]{1,40}\]$/], // [REDACTED], [FILTERED]
  '(': [/^\((?:[a-z]{1,20} ){0,3}[a-z]{1,20}\)$/], // (hidden), (not shown)
  '/': [/^\/\S{0,400}$/], // a path (PWD=/app, password_file=/run/secrets/db)
};
const DIGITS = [/^\d{1,5}$/]; // a small count (max_tokens: 1024)
const WORDS = [
  /^x{3,}$/i, // xxxx
  /^arn:\S{0,400}$/, // an ARN names a secret, it is not one
  /^[A-Z][A-Z0-9]{0,40}(?:_[A-Z0-9]{1,40}){1,8}$/, // the name of a variable (secrets: DB_PASSWORD)
  /^[A-Za-z_][A-Za-z0-9_.]{0,100}\(/, // a call in code (token = get_token(session))
];

/** A value that names no secret: empty, a state word, a placeholder, a reference, a path or an ARN. */
export function isHarmlessValue(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (v.length <= 12 && STATE_WORDS.has(v.toLowerCase())) return true;
  const first = v.charCodeAt(0);
  const candidates =
    first >= 48 && first <= 57
      ? DIGITS
      : (first >= 65 && first <= 90) || (first >= 97 && first <= 122) || first === 95
        ? WORDS
        : PLACEHOLDERS[v[0] as string];
  return candidates?.some((p) => p.test(v)) ?? false;
}

/** `not found`, `is missing for user bob`: the word at start..end and the next one are prose, not a value. */
export function isProse(text: string, start: number, end: number): boolean {
  return (
    end - start <= 21 &&
    /^[A-Za-z][a-z']{0,20}$/.test(text.slice(start, end)) &&
    /^[ \t]{1,4}[A-Za-z][a-z']{0,20}(?:[\s.,;:!?)]|$)/.test(text.slice(end, end + 60))
  );
}
