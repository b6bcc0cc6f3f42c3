#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SettingError } from '../lambdas/domain/settings/setting.js';
import { forwarderPropsFromContext, watchdogPropsFromContext } from './context.js';
import type { EcsWatchdogForwarderProps } from './ecs-watchdog-forwarder.js';
import { addMemberStacks } from './member-stack.js';
import { WatchdogStack } from './watchdog-stack.js';

// Environment-agnostic on purpose: no account and no lookups, so `cdk synth` works offline. With
// `-c centralAccount=…` (README "Many accounts and regions") it synthesizes a member account's stacks
// (one per region of -c memberRegions), else the central watchdog.
const app = new App();
const read = (key: string) => app.node.tryGetContext(key);
try {
  const forwarder = forwarderPropsFromContext(read);
  if (forwarder.centralAccount !== undefined || forwarder.centralRegion !== undefined) {
    // The construct names a missing centralAccount or centralRegion with its -c key.
    addMemberStacks(app, forwarder as EcsWatchdogForwarderProps);
  } else {
    new WatchdogStack(app, 'EcsWatchdog', { watchdog: watchdogPropsFromContext(read) });
  }
} catch (error) {
  // A bad setting is the user's to fix: its message names it (and its -c key); a stack trace would bury it.
  if (!(error instanceof SettingError)) throw error;
  console.error(error.message);
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
