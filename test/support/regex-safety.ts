import { checkSync, type Diagnostics } from 'recheck';

/**
 * Is a regular expression linear in the length of the text it reads? recheck's automaton analysis
 * (exact for what it supports) decides. Look-arounds it does not support are left out first when they
 * are simple (a character class or a literal, no repetition): such an assertion only narrows where a
 * match may start or end, so the pattern without it is at least as slow as the pattern with it. What
 * the automaton cannot analyse is checked by recheck's fuzzer with a fixed seed.
 */
export function checkLinear(pattern: string, flags: string): Diagnostics {
  const stripped = withoutSimpleLookarounds(pattern);
  const automaton = checkSync(stripped, flags.replace(/[gy]/g, ''), { checker: 'automaton', timeout: 30_000 });
  if (automaton.status !== 'unknown') return automaton;
  return checkSync(pattern, flags.replace(/[gy]/g, ''), { checker: 'fuzz', randomSeed: 11, timeout: 30_000 });
}

const SIMPLE_LOOKAROUND =
  /\(\?<?[=!](?:\[(?:\\.|[^\]\\])*\]|\\.|[^()[\]\\*+?{}|])*(?:\|(?:\[(?:\\.|[^\]\\])*\]|\\.|[^()[\]\\*+?{}|])*)*\)/g;

export function withoutSimpleLookarounds(pattern: string): string {
  return pattern.replace(SIMPLE_LOOKAROUND, '');
}
