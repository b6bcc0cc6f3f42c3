#!/usr/bin/env node
// Runs the TypeScript CLI in place (no build step): tsx compiles on load.
require('tsx/cjs/api').register();
require('../lambdas/cli/main.ts');
