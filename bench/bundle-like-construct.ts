import { build } from 'esbuild';
import { BUNDLE_OPTIONS } from '../infra/lambda-bundling';

/**
 * Bundles a module the way handlers and their lazy modules are bundled for Lambda, by the function
 * construct (infra/watchdog-function.ts) and for the package (scripts/lambda-bundles.ts): the same options
 * (infra/lambda-bundling.ts), so what is measured and tested here is what ships.
 */
export function bundleLikeTheConstruct(entryPoint: string, outfile: string) {
  return build({
    ...BUNDLE_OPTIONS,
    mainFields: [...BUNDLE_OPTIONS.mainFields],
    entryPoints: [entryPoint],
    outfile,
    logLevel: 'error',
  });
}
