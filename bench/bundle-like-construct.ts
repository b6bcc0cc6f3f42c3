import { build } from 'esbuild';

/**
 * Bundles a module the way the function construct bundles handlers and their lazy modules
 * (infra/watchdog-function.ts): esbuild, ESM, minified, AWS SDK included, a `require` for CommonJS.
 */
export function bundleLikeTheConstruct(entryPoint: string, outfile: string) {
  return build({
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    logLevel: 'error',
  });
}
