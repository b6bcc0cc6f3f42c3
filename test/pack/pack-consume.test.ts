/**
 * The package as another CDK app gets it (`npm run test:pack`): `npm pack` (its prepack builds dist/),
 * the tarball installed into a fresh app in a temporary folder next to aws-cdk-lib and constructs only,
 * `new EcsWatchdog(stack, 'Watchdog')` synthesized offline from ESM, CommonJS and type-checked TypeScript,
 * and the installed CLI run. The consumer's template must be the repository's own, asset for asset.
 * Prints the tarball's size and the time each step took.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EcsWatchdog } from '../../infra/ecs-watchdog.js';
import type { Json } from '../infra/helpers.js';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const versionOf = (name: string) =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

let work: string;
let app: string;
let tarball: string;
const timings: Record<string, number> = {};

function timed<T>(step: string, run: () => T): T {
  const start = performance.now();
  try {
    return run();
  } finally {
    timings[step] = Math.round(performance.now() - start);
  }
}

/** Offline and without credentials, as `cdk synth` runs in CI. */
const SYNTH_ENV = (() => {
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true' };
  for (const name of [
    'AWS_PROFILE',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
  ]) {
    delete env[name];
  }
  return env;
})();

function run(file: string, args: string[], cwd = app): string {
  return execFileSync(file, args, { cwd, env: SYNTH_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ecs-watchdog-pack-'));
  app = join(work, 'app');
  mkdirSync(app);
  timed('npm pack', () => run('npm', ['pack', '--silent', '--pack-destination', work], ROOT));
  tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')) as string);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }),
  );
  timed('npm install', () =>
    run('npm', [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      `aws-cdk-lib@${versionOf('aws-cdk-lib')}`,
      `constructs@${versionOf('constructs')}`,
      tarball,
    ]),
  );
});

afterAll(() => {
  const size = (statSync(tarball).size / 1024 / 1024).toFixed(2);
  console.log(`pack-consume: tarball ${size} MiB; ${JSON.stringify(timings)} ms`);
  rmSync(work, { recursive: true, force: true });
  CloudAssembly.cleanupTemporaryDirectories();
});

/** Every resource, with what differs only by where the code was bundled left out (asset keys and metadata). */
function comparable(template: Json): Json {
  const resources: Json = {};
  for (const [id, resource] of Object.entries<Json>(template.Resources)) {
    const { Metadata: _metadata, ...rest } = resource;
    if (rest.Type === 'AWS::Lambda::Function') {
      const { Code: _code, ...properties } = rest.Properties;
      resources[id] = { ...rest, Properties: properties };
    } else resources[id] = rest;
  }
  return resources;
}

describe('the packed package in a fresh CDK app', () => {
  it('ships compiled JavaScript, type declarations, the prebuilt Lambda bundles and the bin, and no sources', () => {
    const listing = run('tar', ['-tzf', tarball]).split('\n').filter(Boolean);
    expect(listing).toContain('package/dist/infra/index.js');
    expect(listing).toContain('package/dist/infra/index.d.ts');
    expect(listing).toContain('package/dist/lambdas/cli/main.js');
    expect(listing).toContain('package/dist/bundles/task-stopped/index.mjs');
    expect(listing).toContain('package/dist/bundles/task-stopped/load-balancing-readers.mjs');
    expect(listing).toContain('package/bin/ecs-watchdog.cjs');
    expect(listing.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    expect(listing.filter((file) => /^package\/(test|local|bench|scripts|events)\//.test(file))).toEqual([]);
    const installed = join(app, 'node_modules');
    // What the consumer needs: neither esbuild (the bundles are prebuilt) nor tsx (the CLI is compiled).
    expect(existsSync(join(installed, 'esbuild'))).toBe(false);
    expect(existsSync(join(installed, 'tsx'))).toBe(false);
  });

  it('synthesizes new EcsWatchdog(stack, "Watchdog") offline from ESM: the same template as the repository, bundles prebuilt', () => {
    writeFileSync(
      join(app, 'app.mjs'),
      `import { App, Stack } from 'aws-cdk-lib';
import { EcsWatchdog } from '${pkg.name}';
const app = new App({ outdir: 'cdk.out' });
new EcsWatchdog(new Stack(app, 'Consumer'), 'Watchdog');
app.synth();
`,
    );
    timed('consumer synth', () => run(process.execPath, ['app.mjs']));
    const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'Consumer.template.json'), 'utf8'));

    // The repository's own template of the same construct (bundling skipped: only the code differs).
    const repoApp = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const repoStack = new Stack(repoApp, 'Consumer');
    new EcsWatchdog(repoStack, 'Watchdog');
    const repoTemplate = repoApp.synth().getStackByName('Consumer').template;
    expect(comparable(template)).toEqual(comparable(repoTemplate));

    // Each function's code is an asset of the cloud assembly: the prebuilt bundle, copied in.
    const assets = JSON.parse(readFileSync(join(app, 'cdk.out', 'Consumer.assets.json'), 'utf8')).files;
    const codeOf = (fn: Json) =>
      join(app, 'cdk.out', assets[fn.Properties.Code.S3Key.replace(/\.zip$/, '')].source.path);
    const functions = Object.entries<Json>(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(6);
    for (const [id, fn] of functions) {
      expect(fn.Properties.Handler, id).toBe('index.handler');
      expect(readdirSync(codeOf(fn)), id).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map']));
    }
    const taskStopped = functions.find(([id]) => id.startsWith('WatchdogTaskStopped'))?.[1];
    expect(readdirSync(codeOf(taskStopped))).toContain('load-balancing-readers.mjs');
  });

  it('loads from CommonJS, and type-checks from TypeScript against the shipped declarations', () => {
    const exported = run(process.execPath, [
      '-e',
      `const w = require('${pkg.name}'); console.log(['EcsWatchdog', 'WatchdogStack', 'watchdogPropsFromContext', 'SettingError'].map((n) => typeof w[n]).join(','))`,
    ]);
    expect(exported.trim()).toBe('function,function,function,function');
    writeFileSync(
      join(app, 'app.ts'),
      `import { App, Duration, Stack } from 'aws-cdk-lib';
import { EcsWatchdog, type EcsWatchdogProps } from '${pkg.name}';
const props: EcsWatchdogProps = { alertEmail: 'oncall@example.com', enrichmentBudget: Duration.seconds(2), restartLoop: { threshold: 4 } };
const watchdog = new EcsWatchdog(new Stack(new App(), 'Consumer'), 'Watchdog', props);
export const topic: string = watchdog.alertTopic.topicArn;
// @ts-expect-error: not a prop of the construct
new EcsWatchdog(new Stack(new App(), 'Other'), 'Watchdog', { alertEmails: [] });
`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          noEmit: true,
          types: [],
        },
        files: ['app.ts'],
      }),
    );
    timed('consumer tsc', () => run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json']));
  });

  it('runs the installed CLI compiled: --version, --help, classify one fixture', () => {
    const bin = join(app, 'node_modules', '.bin', 'ecs-watchdog');
    expect(run(bin, ['--version'])).toBe(`${pkg.version}\n`);
    expect(run(bin, ['classify', '--help'])).toContain('Usage: ecs-watchdog classify');
    const fixture = join(ROOT, 'events', 'task-stopped', 'oom-killed.json');
    const line = JSON.parse(timed('installed CLI classify', () => run(bin, ['classify', fixture])));
    expect(line).toMatchObject({ file: fixture, kind: 'TASK_STOPPED', category: 'OOM_KILLED', severity: 'HIGH' });
    expect(run(bin, ['classify', '--format', 'text', fixture])).toContain('NEXT STEPS');
  });
});
