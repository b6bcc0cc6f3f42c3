import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { parseSync } from 'oxc-parser';
import { LAZY_MODULES } from '../../lambdas/entries/lazy-modules';

/**
 * The AWS API calls a Lambda entry can make, read from the code: the files its bundle and its lazily
 * imported modules take in (esbuild's metafile), each `new XxxCommand(...)` of an `@aws-sdk/client-*` package in them, kept
 * when the method or function around it is called somewhere in those files. A command in a method no
 * bundled code calls (the timer bundles StateStore but never completes a claim) is not a call.
 */
const ROOT = path.resolve(__dirname, '..', '..');

/** IAM service prefix of each SDK client package. */
const SERVICE_PREFIX: Record<string, string> = {
  'client-cloudwatch': 'cloudwatch',
  'client-cloudwatch-logs': 'logs',
  'client-dynamodb': 'dynamodb',
  'client-ec2': 'ec2',
  'client-ecs': 'ecs',
  'client-sns': 'sns',
  'client-sqs': 'sqs',
  'client-elastic-load-balancing-v2': 'elasticloadbalancing',
  'client-sts': 'sts',
};

export function bundledFiles(entry: string): string[] {
  const result = buildSync({
    entryPoints: [path.join(ROOT, 'lambdas', 'entries', `${entry}.ts`)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
    absWorkingDir: ROOT,
  });
  return Object.keys(result.metafile?.inputs ?? {}).filter((f) => f.startsWith('lambdas/'));
}

interface Node {
  type?: string;
  name?: string;
  [key: string]: unknown;
}

interface CommandUse {
  action: string;
  /** The method or function the command is built in (undefined at module level). */
  owner?: string;
  file: string;
}

/** Module-level code: it runs when the bundle loads, so what it mentions is reachable. */
const MODULE = '<module>';

interface Scan {
  uses: CommandUse[];
  /** Names each function or method calls, or hands on as an argument. */
  mentions: Map<string, Set<string>>;
}

function scan(file: string): Scan {
  const source = readFileSync(path.join(ROOT, file), 'utf8');
  const { program } = parseSync(file, source);
  const commandPackage = new Map<string, string>();
  const uses: CommandUse[] = [];
  const mentions = new Map<string, Set<string>>();
  const mention = (owner: string | undefined, name: string | undefined) => {
    if (!name) return;
    const key = owner ?? MODULE;
    mentions.set(key, (mentions.get(key) ?? new Set()).add(name));
  };
  const nameOf = (node: unknown) => (node as Node | undefined)?.name;
  const visit = (node: unknown, owner: string | undefined): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, owner);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const n = node as Node;
    if (n.type === 'ImportDeclaration') {
      const from = String((n.source as Node & { value: string }).value);
      const pkg = /^@aws-sdk\/(client-[a-z0-9-]+)$/.exec(from)?.[1];
      if (pkg) for (const spec of n.specifiers as Node[]) commandPackage.set(String(nameOf(spec.local)), pkg);
      return;
    }
    // A declaration's own name is not a mention of it; what it contains belongs to it.
    let inner = owner;
    let skip: unknown;
    if (n.type === 'MethodDefinition' || n.type === 'PropertyDefinition')
      [inner, skip] = [nameOf(n.key) ?? owner, n.key];
    if (n.type === 'FunctionDeclaration') [inner, skip] = [nameOf(n.id) ?? owner, n.id];
    if (n.type === 'VariableDeclarator' && /Function/.test(String((n.init as Node | undefined)?.type)))
      [inner, skip] = [nameOf(n.id) ?? owner, n.id];
    if (n.type === 'NewExpression') {
      const command = nameOf(n.callee);
      const pkg = command && commandPackage.get(command);
      if (command?.endsWith('Command') && pkg) {
        uses.push({ action: `${SERVICE_PREFIX[pkg] ?? pkg}:${command.replace(/Command$/, '')}`, owner, file });
      }
    }
    if (n.type === 'CallExpression' || n.type === 'NewExpression') {
      // What is called, and functions handed on as arguments (`pages.map(toFacts)`).
      const callee = n.callee as Node;
      mention(owner, callee.type === 'MemberExpression' ? nameOf(callee.property) : nameOf(callee));
      for (const arg of (n.arguments as Node[]) ?? []) {
        if (arg.type === 'Identifier') mention(owner, arg.name);
        if (arg.type === 'MemberExpression') mention(owner, nameOf(arg.property));
      }
    }
    for (const [key, value] of Object.entries(n)) {
      if (key !== 'parent' && value !== skip && typeof value === 'object') visit(value, inner);
    }
  };
  visit(program, undefined);
  return { uses, mentions };
}

/** Operations IAM authorises per contained action (TransactWriteItems needs Put/Update/Delete/ConditionCheck). */
const AUTHORISED_AS: Record<string, string[]> = {
  'dynamodb:TransactWriteItems': ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
  'dynamodb:TransactGetItems': ['dynamodb:GetItem'],
};

/** Every IAM action the entry's code can send, with where: commands in code reachable from module level. */
export function sdkCalls(entry: string): Map<string, string[]> {
  // The modules the entry imports on demand are bundled apart (lambdas/entries/lazy-modules.ts): theirs too.
  const files = new Set([entry, ...(LAZY_MODULES[entry] ?? [])].flatMap(bundledFiles));
  const scans = [...files].map(scan);
  const mentions = new Map<string, Set<string>>();
  for (const { mentions: m } of scans) {
    for (const [owner, names] of m) mentions.set(owner, new Set([...(mentions.get(owner) ?? []), ...names]));
  }
  const reachable = new Set<string>();
  const queue = [MODULE];
  while (queue.length > 0) {
    const owner = queue.pop() as string;
    for (const name of mentions.get(owner) ?? []) {
      if (!reachable.has(name)) {
        reachable.add(name);
        queue.push(name);
      }
    }
  }
  const calls = new Map<string, string[]>();
  for (const use of scans.flatMap((s) => s.uses)) {
    if (use.owner !== undefined && !reachable.has(use.owner)) continue;
    for (const action of AUTHORISED_AS[use.action] ?? [use.action]) {
      calls.set(action, [...(calls.get(action) ?? []), `${use.file} (${use.owner ?? 'module'}, ${use.action})`]);
    }
  }
  return calls;
}
