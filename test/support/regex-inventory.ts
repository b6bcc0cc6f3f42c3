import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseSync } from 'oxc-parser';

/** Every regular expression written in the shipped code, found by parsing the sources (not a hand list). */
export interface RegexSite {
  file: string;
  line: number;
  pattern: string;
  flags: string;
}

/** A `new RegExp(x)` whose pattern is computed: it is checked when the module builds it (see regex-safety.test.ts). */
export interface DynamicSite {
  file: string;
  line: number;
  code: string;
}

const ROOT = path.resolve(__dirname, '..', '..');

export function sourceFiles(dir = 'lambdas'): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f))
    .sort();
}

interface Node {
  type?: string;
  start: number;
  end: number;
  regex?: { pattern: string; flags: string };
  callee?: Node & { name?: string };
  arguments?: (Node & { value?: unknown; expressions?: unknown[]; quasis?: { value: { cooked: string } }[] })[];
  [key: string]: unknown;
}

export function regexInventory(files = sourceFiles()): { literals: RegexSite[]; dynamic: DynamicSite[] } {
  const literals: RegexSite[] = [];
  const dynamic: DynamicSite[] = [];
  for (const file of files) {
    const source = readFileSync(path.join(ROOT, file), 'utf8');
    const { program, errors } = parseSync(file, source);
    if (errors.length > 0) throw new Error(`${file}: ${errors[0]?.message}`);
    const lineOf = (offset: number) => source.slice(0, offset).split('\n').length;
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) {
        for (const item of node) visit(item);
        return;
      }
      if (!node || typeof node !== 'object') return;
      const n = node as Node;
      if (n.regex) literals.push({ file, line: lineOf(n.start), ...n.regex });
      if ((n.type === 'NewExpression' || n.type === 'CallExpression') && n.callee?.name === 'RegExp') {
        const [first, second] = n.arguments ?? [];
        const flags = typeof second?.value === 'string' ? second.value : '';
        if (typeof first?.value === 'string') {
          literals.push({ file, line: lineOf(n.start), pattern: first.value, flags });
        } else if (first?.type === 'TemplateLiteral' && first.expressions?.length === 0 && first.quasis?.[0]) {
          literals.push({ file, line: lineOf(n.start), pattern: first.quasis[0].value.cooked, flags });
        } else {
          dynamic.push({ file, line: lineOf(n.start), code: source.slice(n.start, n.end) });
        }
      }
      for (const [key, value] of Object.entries(n)) if (key !== 'parent' && typeof value === 'object') visit(value);
    };
    visit(program);
  }
  return { literals, dynamic };
}
