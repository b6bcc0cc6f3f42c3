/**
 * Prebuilds every Lambda handler into the package (`npm run build`, run by `prepack`): one directory per
 * handler under `dist/bundles/`, holding `index.mjs` (and its source map) and the modules it loads on first
 * use (lambdas/entries/lazy-modules.ts) as `<name>.mjs` next to it, exactly as the function construct
 * deploys them. The construct uses these when present (infra/lambda-bundling.ts), so an app that installs
 * the package synthesizes without esbuild and without this repository's lock file.
 *   npx tsx scripts/lambda-bundles.ts [OUTDIR]
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleLikeTheConstruct } from '../bench/bundle-like-construct';
import { BUNDLE_HANDLER_FILE } from '../infra/lambda-bundling';
import { LAZY_MODULES } from '../lambdas/entries/lazy-modules';

const ROOT = resolve(__dirname, '..');
const ENTRIES = join(ROOT, 'lambdas', 'entries');

/** The handler entries: the files of lambdas/entries that export `handler` (the rest is their wiring). */
export function handlerNames(): string[] {
  return readdirSync(ENTRIES)
    .filter((file) => file.endsWith('.ts') && /export const handler\b/.test(readFileSync(join(ENTRIES, file), 'utf8')))
    .map((file) => file.replace(/\.ts$/, ''))
    .sort();
}

function bundle(module: string, outfile: string) {
  return bundleLikeTheConstruct(join(ENTRIES, `${module}.ts`), outfile);
}

/** Bundles every handler and its lazy modules into `outDir/<handler>/`; returns the handlers and their sizes. */
export async function buildLambdaBundles(
  outDir: string,
): Promise<Array<{ handler: string; files: Record<string, number> }>> {
  rmSync(outDir, { recursive: true, force: true });
  return Promise.all(
    handlerNames().map(async (handler) => {
      const dir = join(outDir, handler);
      await bundle(handler, join(dir, BUNDLE_HANDLER_FILE));
      for (const lazy of LAZY_MODULES[handler] ?? []) await bundle(lazy, join(dir, `${lazy}.mjs`));
      const files = Object.fromEntries(
        readdirSync(dir)
          .sort()
          .map((file) => [file, statSync(join(dir, file)).size]),
      );
      return { handler, files };
    }),
  );
}

if (require.main === module) {
  const outDir = resolve(process.argv[2] ?? join(ROOT, 'dist', 'bundles'));
  buildLambdaBundles(outDir).then(
    (bundles) => {
      for (const { handler, files } of bundles) {
        const kib = Object.values(files).reduce((a, b) => a + b, 0) / 1024;
        console.log(`${handler}: ${Object.keys(files).join(', ')} (${kib.toFixed(0)} KiB)`);
      }
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
