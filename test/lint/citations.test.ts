import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Comments cite the repository's own documents (README.md, docs/, local/API-SUPPORT.md), never a
 * document a reader of the repository cannot open: a design note kept elsewhere, a file of the machine
 * the code was written on, or a path outside the repository.
 */

const ROOT = resolve(__dirname, '../..');

/** Source, build and configuration files, and the documents. */
const SOURCES = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  cwd: ROOT,
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => file !== '' && existsSync(join(ROOT, file)))
  .filter(
    (file) => /^(lambdas|infra|bench|local|test|bin|docs)\//.test(file) || /^[^/]+$|^events\/[^/]+\.md$/.test(file),
  )
  // Data (fixtures, events) quotes what others wrote; this file holds examples of what it looks for.
  .filter((file) => !file.startsWith('test/fixtures/') && file !== 'test/lint/citations.test.ts')
  .filter((file) => /\.(ts|mts|cjs|js|json|txt|md|sh|yaml)$/.test(file));

const DOCS = SOURCES.filter((file) => file.endsWith('.md'));

const MACHINE_PATH = /(?:^|[\s'"`(=])((?:\/work|\/home|\/Users|\/root)\/[^\s'"`)]*|(?:\.\.\/)+shared\/[^\s'"`)]*)/;
const DOCUMENT = /(?<![\w/.:-])((?:\.{1,2}\/|[\w-]+\/)*[\w.-]+\.md)\b/g;

/** Where a file's text names a document or a path that is not in the repository. */
function outsideCitations(file: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    const at = `${file}:${i + 1}`;
    if (/\bDESIGN\b/.test(line)) found.push(`${at} cites DESIGN, a document outside the repository`);
    const machine = MACHINE_PATH.exec(line);
    // A relative import of the repository's own `shared/` folder (e.g. lambdas/app/shared) is not one.
    const own = machine?.[1]?.startsWith('..') && existsSync(`${resolve(ROOT, dirname(file), machine[1])}.ts`);
    if (machine && !own) found.push(`${at} names ${machine[1]}, a path outside the repository`);
    // A document a source file names, by path or name, must be one of the repository's; links to web
    // pages are fine. (Links between the documents themselves are theirs to keep.)
    if (file.endsWith('.md')) return;
    for (const match of line.matchAll(DOCUMENT)) {
      const cited = match[1] as string;
      if (/https?:\/\/\S*$/.test(line.slice(0, match.index))) continue;
      const paths = [join(dirname(file), cited), cited].map((p) => resolve(ROOT, p).slice(ROOT.length + 1));
      const known = paths.some((p) => existsSync(join(ROOT, p))) || DOCS.some((doc) => basename(doc) === cited);
      if (!known) found.push(`${at} cites ${cited}, which is not in the repository`);
    }
  });
  return found;
}

describe('citations', () => {
  it('reads the source files', () => {
    expect(SOURCES).toContain('lambdas/domain/settings/settings.ts');
    expect(SOURCES).toContain('biome.json');
    expect(SOURCES).toContain('local/requirements.txt');
  });

  it('no source file cites a document outside the repository', () => {
    expect(SOURCES.flatMap((file) => outsideCitations(file, readFileSync(join(ROOT, file), 'utf8')))).toEqual([]);
  });

  it.each([
    ['// Trust order (DESIGN §4)', 'cites DESIGN, a document outside the repository'],
    ['# Installed into /work/main/.venv on first use', 'names /work/main/.venv, a path outside the repository'],
    ['// faster cold starts (TOOLCHAIN.md)', 'cites TOOLCHAIN.md, which is not in the repository'],
    ['bash ../shared/checks/x.sh', 'names ../shared/checks/x.sh, a path outside the repository'],
  ])('catches %j', (line, message) => {
    expect(outsideCitations('probe.ts', line)).toEqual([`probe.ts:1 ${message}`]);
  });

  it.each([
    '// see docs/architecture.md and README.md',
    '// local/API-SUPPORT.md lists what the emulator serves',
    '// https://github.com/awsdocs/amazon-ecs-developer-guide/blob/master/doc_source/stopped-task-errors.md',
  ])('lets %j through', (line) => {
    expect(outsideCitations('probe.ts', line)).toEqual([]);
  });
});
