import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The layer rules of biome.json hold at every depth (docs/architecture.md, Layers): biome lints
 * temporary files, laid out as in the repository next to a copy of its biome.json, and must refuse
 * each offending import while letting the allowed ones through.
 */

const ROOT = resolve(__dirname, '../..');
const BIOME = join(ROOT, 'node_modules', '.bin', 'biome');

/** [file, import, refused with this message (undefined: allowed)] */
const PROBES: [string, string, string | undefined][] = [
  ['lambdas/domain/stops/probe-app.ts', '../../app/shared/config', 'lambdas/domain is pure'],
  ['lambdas/domain/stops/probe-local.ts', '../../../local/seed', 'lambdas/domain is pure'],
  ['lambdas/domain/capacity/probe-sdk.ts', '@aws-sdk/client-ecs', 'lambdas/domain is pure'],
  ['lambdas/domain/settings/probe-cdk.ts', 'aws-cdk-lib', 'lambdas/domain is pure'],
  ['lambdas/domain/rollouts/probe-node.ts', 'node:fs', 'lambdas/domain is pure'],
  ['lambdas/domain/rollouts/probe-adapter.ts', '../../adapters/ec2-reader', 'lambdas/domain is pure'],
  ['lambdas/adapters/probe-app.ts', '../app/shared/config', 'Adapters import only the domain and the SDK'],
  ['lambdas/app/shared/probe-entry.ts', '../../entries/task-stopped', 'Application services never import'],
  ['lambdas/cli/probe-local.ts', '../../local/seed', 'Shipped code never imports local/'],
  ['infra/probe-test.ts', '../test/support/events', 'Shipped code never imports local/'],
  ['lambdas/domain/stops/probe-allowed.ts', '../events/task-event', undefined],
  ['lambdas/domain/rollouts/probe-allowed.ts', '../capacity/facts', undefined],
  ['lambdas/adapters/probe-allowed.ts', '../domain/capacity/facts', undefined],
  ['lambdas/app/probe-allowed.ts', '../adapters/ec2-reader', undefined],
];

interface Diagnostic {
  category: string;
  message: string;
  location: { path: string };
}

let dir: string;
let diagnostics: Diagnostic[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecs-watchdog-lint-'));
  copyFileSync(join(ROOT, 'biome.json'), join(dir, 'biome.json'));
  for (const [file, from] of PROBES) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), `import { x } from '${from}';\n\nexport const y = x;\n`);
  }
  const run = spawnSync(BIOME, ['lint', '--reporter=json', '--max-diagnostics=none', '.'], {
    cwd: dir,
    encoding: 'utf8',
  });
  diagnostics = (JSON.parse(run.stdout) as { diagnostics: Diagnostic[] }).diagnostics;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the layer rules of biome.json', () => {
  it.each(PROBES)('%s importing %s', (file, _from, message) => {
    const found = diagnostics.filter((d) => d.location.path === file);
    if (message === undefined) {
      expect(found).toEqual([]);
    } else {
      expect(found.map((d) => d.category)).toEqual(['lint/style/noRestrictedImports']);
      expect(found[0]?.message).toContain(message);
    }
  });
});

describe('application services', () => {
  const importsOf = (file: string): string[] =>
    [...readFileSync(join(ROOT, file), 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((m) =>
      join(dirname(file), m[1] as string).replace(/\.js$/, ''),
    );
  const ts = (dir: string) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(dir, f));

  /** The rollout entry's processing dispatches each event to the processing of its kind. */
  const DISPATCH: Record<string, string[]> = {
    'lambdas/app/process-rollout.ts': ['lambdas/app/process-deployment', 'lambdas/app/process-service-action'],
  };

  it('no app file imports the processing of another event kind (a sibling entry)', () => {
    const offending = ts('lambdas/app').flatMap((file) =>
      importsOf(file)
        .filter((m) => /\/process-[^/]+$/.test(m) && !(DISPATCH[file] ?? []).includes(m))
        .map((m) => `${file} imports ${m}`),
    );
    expect(offending).toEqual([]);
  });
});
