/**
 * The package's entry point (`import { EcsWatchdog } from 'ecs-watchdog'`): the construct, its parts and
 * their props, the stack this repository deploys, and the settings contract's context reader and error.
 */

export { SettingError } from '../lambdas/domain/settings/setting.js';
export { CapacityScan, type CapacityScanProps } from './capacity-scan.js';
export type { CapacityScanSettingsInput, RestartLoopSettingsInput } from './config.js';
export { CONTEXT_KEYS, type ContextReader, watchdogPropsFromContext } from './context.js';
export { EcsWatchdog, type EcsWatchdogProps } from './ecs-watchdog.js';
export { Incidents, type IncidentsProps } from './incidents.js';
export { WatchdogOps, type WatchdogOpsProps } from './ops.js';
export { RolloutWatch, type RolloutWatchProps } from './rollout-watch.js';
export { WatchdogFunction, type WatchdogFunctionProps } from './watchdog-function.js';
export { WatchdogStack, type WatchdogStackProps } from './watchdog-stack.js';
