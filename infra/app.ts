#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SettingError } from '../lambdas/domain/settings/setting.js';
import { watchdogPropsFromContext } from './context.js';
import { WatchdogStack } from './watchdog-stack.js';

// Environment-agnostic on purpose: no account/region and no lookups, so `cdk synth` works offline.
const app = new App();
try {
  new WatchdogStack(app, 'EcsWatchdog', {
    watchdog: watchdogPropsFromContext((key) => app.node.tryGetContext(key)),
  });
} catch (error) {
  // A bad setting is the user's to fix: its message names it (and its -c key); a stack trace would bury it.
  if (!(error instanceof SettingError)) throw error;
  console.error(error.message);
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
