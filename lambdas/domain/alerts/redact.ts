/**
 * Removes secrets from log lines before they leave the function. Each rule keeps enough context
 * (the key name, the URL host) for the line to stay useful, and replaces only the secret.
 */
export const REDACTED = '[REDACTED]';

interface Rule {
  name: string;
  pattern: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

const SECRET_KEYS =
  'password|passwd|pwd|secret|client[_-]?secret|token|access[_-]?token|refresh[_-]?token|id[_-]?token|auth[_-]?token|api[_-]?key|apikey|private[_-]?key|aws[_-]?secret[_-]?access[_-]?key|session[_-]?token|credentials?';

const RULES: Rule[] = [
  {
    name: 'private key',
    pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    replace: () => `-----BEGIN PRIVATE KEY----- ${REDACTED}`,
  },
  { name: 'JWT', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, replace: () => REDACTED },
  {
    name: 'bearer token',
    pattern: /\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
    replace: (_m, scheme) => `${scheme} ${REDACTED}`,
  },
  { name: 'AWS access key id', pattern: /\b(AKIA|ASIA|AIDA|AROA|ANPA)[A-Z0-9]{16}\b/g, replace: () => REDACTED },
  {
    name: 'password in URL',
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):([^\s@/]+)@/gi,
    replace: (_m, prefix) => `${prefix}:${REDACTED}@`,
  },
  {
    // key=value, key: value, "key": "value", key='value' (also inside query strings and JSON)
    name: 'secret key/value pair',
    pattern: new RegExp(
      `(["']?\\b(?:[\\w.-]*[_-])?(?:${SECRET_KEYS})["']?\\s*[=:]\\s*)("[^"]*"|'[^']*'|[^\\s,;&"'}]+)`,
      'gi',
    ),
    replace: (_m, key, value) =>
      `${key}${value.startsWith('"') ? `"${REDACTED}"` : value.startsWith("'") ? `'${REDACTED}'` : REDACTED}`,
  },
  {
    name: 'AWS secret access key',
    pattern: /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    replace: redactIfSecretLike,
  },
];

/** A 40-character base64 run is an AWS secret key only if it mixes cases and digits (not a hash or a word). */
function redactIfSecretLike(match: string): string {
  const mixed = /[a-z]/.test(match) && /[A-Z]/.test(match) && /[0-9]/.test(match);
  return mixed ? REDACTED : match;
}

export type Redactor = (line: string) => string;

/** Builds a redactor with the built-in rules plus extra patterns (regular expression sources). */
export function makeRedactor(extraPatterns: string[] = []): Redactor {
  const extras = extraPatterns.map((source) => new RegExp(source, 'g'));
  return (line: string) => {
    let out = line;
    for (const rule of RULES) out = out.replace(rule.pattern, rule.replace as (m: string, ...g: string[]) => string);
    for (const extra of extras) out = out.replace(extra, REDACTED);
    return out;
  };
}

export const redact: Redactor = makeRedactor();
