/**
 * Bundle size and cold-start import time of each Lambda handler, bundled the way the construct
 * bundles it (esbuild, ESM, minified, AWS SDK included), and of the modules it loads on first use
 * (lambdas/entries/lazy-modules.ts). Prints one JSON line per handler.
 *   npx tsx bench/bundle.ts [--runs N]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LAZY_MODULES } from '../lambdas/entries/lazy-modules';
import { bundleLikeTheConstruct } from './bundle-like-construct';

const HANDLERS_DIR = join(__dirname, '..', 'lambdas', 'entries');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 9;

/** Environment a handler needs at import (its cold start); values are inert placeholders. */
const HANDLER_ENV = {
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:bench',
  STATE_TABLE_NAME: 'bench',
  TIMER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/bench',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_SERVICE_NAME: 'ecs-watchdog',
  POWERTOOLS_METRICS_NAMESPACE: 'EcsWatchdog',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Size and the median / minimum import time of a bundled file, each import in a fresh Node process. */
function sizeAndImportTime(file: string, dir: string) {
  const bytes = statSync(file).size;
  const gzipBytes = gzipSync(readFileSync(file), { level: 9 }).length;
  const probe = join(dir, `probe-${basename(file)}`);
  writeFileSync(
    probe,
    `const t0 = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t0));`,
  );
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const ms = execFileSync(process.execPath, [probe], {
      env: { ...process.env, ...HANDLER_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
    times.push(Number(ms));
  }
  times.sort((a, b) => a - b);
  return {
    bundleBytes: bytes,
    bundleKiB: +(bytes / 1024).toFixed(1),
    gzipKiB: +(gzipBytes / 1024).toFixed(1),
    importMsMedian: +(times[Math.floor(times.length / 2)] ?? 0).toFixed(1),
    importMsMin: +(times[0] ?? 0).toFixed(1),
  };
}

async function measure(entry: string) {
  const out = mkdtempSync(join(tmpdir(), 'ecs-watchdog-bundle-'));
  try {
    const handler = entry.replace(/\.ts$/, '');
    const file = join(out, 'index.mjs');
    await bundleLikeTheConstruct(join(HANDLERS_DIR, entry), file);
    // Modules the handler imports on first use, each in its own file next to it (as the construct deploys them):
    // their import time is paid once per function instance, by the first invocation that needs them.
    const lazyModules = [];
    for (const name of LAZY_MODULES[handler] ?? []) {
      const lazyFile = join(out, `${name}.mjs`);
      await bundleLikeTheConstruct(join(HANDLERS_DIR, `${name}.ts`), lazyFile);
      lazyModules.push({ module: name, ...sizeAndImportTime(lazyFile, out) });
    }
    return {
      handler,
      ...sizeAndImportTime(file, out),
      runs,
      ...(lazyModules.length > 0 ? { lazyModules } : {}),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function main() {
  // Lambda entries are the handler files that export `handler`; the rest are their processing code.
  const entries = readdirSync(HANDLERS_DIR).filter(
    (f) => f.endsWith('.ts') && readFileSync(join(HANDLERS_DIR, f), 'utf8').includes('export const handler'),
  );
  for (const entry of entries) console.log(JSON.stringify(await measure(entry)));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
