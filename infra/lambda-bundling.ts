import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * How every Lambda bundle is built, in one place for the two builders: the function construct bundling at
 * synth in this repository (infra/watchdog-function.ts) and `scripts/lambda-bundles.ts` prebuilding the
 * bundles the package ships (`npm pack`), so a consumer of the package needs neither esbuild nor our
 * lock file, and both deploy the same code.
 */

/** Gives bundled CommonJS dependencies a `require` in an ESM bundle (without it they crash at load). */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** esbuild options of every bundle (a handler and each of its lazy modules), as esbuild's API takes them. */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  sourcemap: true,
  // Stack traces need only the mappings; leaving the sources out keeps the bundle small.
  sourcesContent: false,
  // ESM entry points of dependencies first; the banner gives bundled CommonJS code a `require`.
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
} as const;

/** The same options as esbuild command-line flags (for the construct's after-bundling hook). */
export function bundleFlags(): string[] {
  const o = BUNDLE_OPTIONS;
  return [
    '--bundle',
    `--platform=${o.platform}`,
    `--format=${o.format}`,
    `--target=${o.target}`,
    ...(o.minify ? ['--minify'] : []),
    ...(o.sourcemap ? ['--sourcemap'] : []),
    `--sources-content=${o.sourcesContent}`,
    `--main-fields=${o.mainFields.join(',')}`,
    `--banner:js=${JSON.stringify(o.banner.js)}`,
  ];
}

/** The file a handler's bundle starts from, and the handler name Lambda calls in it. */
export const BUNDLE_HANDLER_FILE = 'index.mjs';
export const BUNDLE_HANDLER = 'index.handler';

/**
 * Where the package keeps its prebuilt bundles: `dist/bundles/<handler>/` next to the compiled `dist/infra/`.
 * In a source checkout (`infra/` run by tsx) this resolves to `<repo>/bundles`, which does not exist, so
 * the repository's own synth and tests always bundle the current sources.
 */
export const PREBUILT_BUNDLES_DIR = path.resolve(__dirname, '..', 'bundles');

/** The prebuilt bundle directory of a handler (e.g. `task-stopped`), when the package has one. */
export function prebuiltBundle(handler: string, dir: string = PREBUILT_BUNDLES_DIR): string | undefined {
  const bundle = path.join(dir, handler);
  return existsSync(path.join(bundle, BUNDLE_HANDLER_FILE)) ? bundle : undefined;
}
