import { Duration } from 'aws-cdk-lib';
import type { Setting } from '../lambdas/domain/settings/setting.js';
import { FORWARDER_SETTINGS, SETTINGS } from '../lambdas/domain/settings/settings.js';
import type { EcsWatchdogProps } from './ecs-watchdog.js';
import type { EcsWatchdogForwarderProps } from './ecs-watchdog-forwarder.js';

/**
 * Reads the watchdog settings from CDK context (`cdk.json` "context", or `cdk synth -c key=value`), one
 * context key per setting of the contract (lambdas/domain/settings/settings.ts). Values from cdk.json
 * arrive as JSON values, values from `-c` as strings: both are accepted. A value of the wrong shape or out of
 * its range fails here, with a SettingError naming the `-c` key that was typed and what it accepts (the
 * construct checks again, naming its prop, for apps that set props in code).
 */
export type ContextReader = (key: string) => unknown;

export const CONTEXT_KEYS = Object.values(SETTINGS).map((setting) => setting.context);

export function watchdogPropsFromContext(read: ContextReader): EcsWatchdogProps {
  return propsFromContext(read, SETTINGS, 'EcsWatchdog') as EcsWatchdogProps;
}

/** A member account's stack settings (`-c centralAccount=… -c centralRegion=…`); undefined when no key of them is set. */
export function forwarderPropsFromContext(read: ContextReader): Partial<EcsWatchdogForwarderProps> {
  return propsFromContext(read, FORWARDER_SETTINGS, 'EcsWatchdogForwarder');
}

function propsFromContext(
  read: ContextReader,
  settings: Readonly<Record<string, Setting<unknown>>>,
  construct: string,
): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const setting of Object.values(settings)) {
    const raw = read(setting.context);
    if (raw === undefined || raw === '') continue;
    const label = `${construct}: -c ${setting.context}`;
    const value = setting.check(setting.fromContext(raw, label), label);
    setPath(props, setting.prop, setting.kind === 'duration' ? Duration.millis(value as number) : value);
  }
  return props;
}

/** Sets `restartLoop.window` in `{ restartLoop: { ... } }`, creating the group; unset settings stay absent. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node = target;
  for (const key of keys) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[last] = value;
}
