import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { redactText } from '../../lambdas/cli/redact-command';

/** The secret and ordinary-line corpora of test/fixtures/redaction (see its README). */
const DIR = path.join(__dirname, '..', 'fixtures', 'redaction');

export interface SecretCase {
  family: string;
  source: string;
  /** Consecutive log events. */
  lines: string[];
  /** What must not survive redaction, whole or in part. */
  secrets: string[];
}

export function secretCases(): SecretCase[] {
  return readFileSync(path.join(DIR, 'secrets.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SecretCase);
}

export function ordinaryLines(): string[] {
  return readFileSync(path.join(DIR, 'ordinary.log'), 'utf8').replace(/\n$/, '').split('\n');
}

/** A secret leaks when any 8 consecutive characters of it (all of it, if shorter) survive. */
const FRAGMENT = 8;

export interface Leak {
  family: string;
  secret: string;
  whole: boolean;
  output: string[];
}

export function leaksOf(c: SecretCase, output: string[]): Leak[] {
  const text = output.join('\n');
  const context = c.secrets.reduce((t, s) => t.split(s).join('\u0000'), c.lines.join('\n'));
  const leaks: Leak[] = [];
  for (const secret of c.secrets) {
    const size = Math.min(FRAGMENT, secret.length);
    let leaked = false;
    for (let i = 0; i + size <= secret.length && !leaked; i++) {
      const fragment = secret.slice(i, i + size);
      // A fragment that also belongs to the line around the secret proves nothing.
      if (!context.includes(fragment) && text.includes(fragment)) leaked = true;
    }
    if (leaked) leaks.push({ family: c.family, secret, whole: text.includes(secret), output });
  }
  return leaks;
}

/** Each case through `ecs-watchdog redact`'s own function, as one input of consecutive log events. */
export function measureCorpora(): {
  secretCases: number;
  secrets: number;
  leaks: Leak[];
  ordinaryLines: number;
  changed: { before: string; after: string }[];
} {
  const cases = secretCases();
  const leaks = cases.flatMap((c) => leaksOf(c, redactText(c.lines.join('\n')).split('\n')));
  const lines = ordinaryLines();
  const after = redactText(lines.join('\n')).split('\n');
  const changed = lines.flatMap((before, i) => (after[i] === before ? [] : [{ before, after: after[i] ?? '' }]));
  return {
    secretCases: cases.length,
    secrets: cases.reduce((n, c) => n + c.secrets.length, 0),
    leaks,
    ordinaryLines: lines.length,
    changed,
  };
}
