/**
 * The package's entry point (`import { EcsWatchdog } from 'ecs-watchdog'`): the construct, its parts and
 * their props, the stacks this repository deploys (central, and member with EcsWatchdogForwarder), and the settings contract's context reader and error.
 */

export { SettingError } from '../lambdas/domain/settings/setting.js';
export {
  ALERT_DETAIL_TYPE,
  ALERT_EVENT_SOURCE,
  AlertEvents,
  type AlertEventsProps,
  type AlertFilter,
} from './alert-events.js';
export { CapacityScan, type CapacityScanProps } from './capacity-scan.js';
export { type ChatChannel, ChatChannels, type ChatChannelsProps } from './chat-channels.js';
export type { CapacityScanSettingsInput, RestartLoopSettingsInput } from './config.js';
export { CONTEXT_KEYS, type ContextReader, forwarderPropsFromContext, watchdogPropsFromContext } from './context.js';
export { EcsWatchdog, type EcsWatchdogProps } from './ecs-watchdog.js';
export { EcsWatchdogForwarder, type EcsWatchdogForwarderProps } from './ecs-watchdog-forwarder.js';
export { Incidents, type IncidentsProps } from './incidents.js';
export { MemberAccess, type MemberAccessProps } from './member-access.js';
export { MemberRole, type MemberRoleProps } from './member-role.js';
export { addMemberStacks, MemberStack, type MemberStackProps } from './member-stack.js';
export { WatchdogOps, type WatchdogOpsProps } from './ops.js';
export { PAGER_DUTY_EVENTS_URL, PagerDuty, type PagerDutyOptions, type PagerDutyProps } from './pager-duty.js';
export { RolloutWatch, type RolloutWatchProps } from './rollout-watch.js';
export { WatchdogFunction, type WatchdogFunctionProps } from './watchdog-function.js';
export { WatchdogStack, type WatchdogStackProps } from './watchdog-stack.js';
