#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { watchdogPropsFromContext } from './context.js';
import { WatchdogStack } from './watchdog-stack.js';

// Environment-agnostic on purpose: no account/region and no lookups, so `cdk synth` works offline.
const app = new App();
new WatchdogStack(app, 'EcsWatchdog', {
  watchdog: watchdogPropsFromContext((key) => app.node.tryGetContext(key)),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
