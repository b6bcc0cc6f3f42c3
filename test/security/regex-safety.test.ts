import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { regexInventory, sourceFiles } from '../support/regex-inventory';
import { checkLinear } from '../support/regex-safety';

/**
 * CI fails on a regular expression with super-linear (catastrophic) backtracking anywhere in the shipped
 * code: redaction, reason normalisation, classifier families, parsing. Patterns are found by parsing
 * every source file under lambdas/ (regex literals and `RegExp` calls with a literal pattern), and by
 * recording the patterns modules build at load time (rules kept as data); not from a hand list.
 */

/** `RegExp` calls whose pattern comes from the operator (the `redactPatterns` setting, `--pattern`). */
const OPERATOR_PATTERN_SITES = new Set([
  'lambdas/app/shared/config.ts',
  'lambdas/domain/settings/settings.ts',
  'lambdas/cli/redact-command.ts',
  'lambdas/domain/alerts/redact.ts',
]);

interface BuiltPattern {
  pattern: string;
  flags: string;
  /** The lambdas/ file that built it (from the stack). */
  file: string;
}

/** Patterns built by the domain modules as they load (a rule table compiled from strings, for instance). */
async function patternsBuiltAtLoad(): Promise<BuiltPattern[]> {
  const built: BuiltPattern[] = [];
  const Original = globalThis.RegExp;
  globalThis.RegExp = new Proxy(Original, {
    construct(target, args: [string | RegExp, string?]) {
      const [source, flags] = args;
      const file = /lambdas\/[\w/.-]+\.ts/.exec(new Error().stack ?? '')?.[0] ?? 'unknown';
      built.push({ pattern: source instanceof Original ? source.source : String(source), flags: flags ?? '', file });
      return Reflect.construct(target, args);
    },
  });
  try {
    const dir = path.resolve(__dirname, '..', '..', 'lambdas', 'domain');
    for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
      await import(path.join(dir, file));
    }
  } finally {
    globalThis.RegExp = Original;
  }
  return built;
}

describe('regular expressions in lambdas/', () => {
  const { literals, dynamic } = regexInventory(sourceFiles());

  it.each([
    ['(a|a)*$', 'exponential'],
    ['(\\w+\\s?)+$', 'exponential'],
    ['\\s*#?\\s*$', 'polynomial'],
  ])('the check itself flags a catastrophic pattern: /%s/', (pattern, type) => {
    const result = checkLinear(pattern, '');
    expect(result.status === 'vulnerable' && result.complexity.type).toBe(type);
  });

  it('are found in the sources', () => {
    expect(literals.length).toBeGreaterThan(200);
  });

  it('build patterns from computed text only at load (checked below) or where an operator supplies them', async () => {
    const builders = new Set((await patternsBuiltAtLoad()).map((p) => p.file));
    expect(dynamic.filter((site) => !OPERATOR_PATTERN_SITES.has(site.file) && !builders.has(site.file))).toEqual([]);
  });

  it('all run in linear time (recheck)', async () => {
    const sites = [
      ...literals,
      ...(await patternsBuiltAtLoad()).map((p) => ({ ...p, file: `${p.file} (built at load)`, line: 0 })),
    ];
    const unique = new Map(sites.map((site) => [`/${site.pattern}/${site.flags}`, site]));
    const vulnerable: string[] = [];
    for (const site of unique.values()) {
      const result = checkLinear(site.pattern, site.flags);
      if (result.status === 'vulnerable') {
        vulnerable.push(
          `${site.file}:${site.line} /${site.pattern}/${site.flags}: ${result.complexity.summary}, attack ${JSON.stringify(result.attack.pattern)}`,
        );
      } else if (result.status === 'unknown') {
        vulnerable.push(
          `${site.file}:${site.line} /${site.pattern}/${site.flags}: not decidable (${result.error.kind})`,
        );
      }
    }
    expect(vulnerable).toEqual([]);
  }, 600_000);
});
