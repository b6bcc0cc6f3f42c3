#!/usr/bin/env node
// The installed package runs the compiled CLI (dist/, built by `npm run build` before packing);
// a source checkout, which has lambdas/cli/main.ts and tsx, runs the sources as they are.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

// The AWS SDK warns on every run that Node.js 20 support ends; the CLI's output is for people and pipes.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const source = join(__dirname, '..', 'lambdas', 'cli', 'main.ts');
let cli;
if (existsSync(source)) {
  require('tsx/cjs/api').register();
  cli = require(source);
} else {
  cli = require(join(__dirname, '..', 'dist', 'lambdas', 'cli', 'main.js'));
}
cli.runCli(process.argv.slice(2));
