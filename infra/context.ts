import { Duration } from 'aws-cdk-lib';
import { SETTING_NAMES, SETTINGS } from '../lambdas/domain/settings/settings.js';
import type { EcsWatchdogProps } from './ecs-watchdog.js';

/**
 * Reads the watchdog settings from CDK context (`cdk.json` "context", or `cdk synth -c key=value`), one
 * context key per setting of the contract (lambdas/domain/settings/settings.ts). Values from cdk.json
 * arrive as JSON values, values from `-c` as strings: both are accepted. A value of the wrong shape or out of
 * its range fails here, with a SettingError naming the `-c` key that was typed and what it accepts (the
 * construct checks again, naming its prop, for apps that set props in code).
 */
export type ContextReader = (key: string) => unknown;

export const CONTEXT_KEYS = SETTING_NAMES.map((name) => SETTINGS[name].context);

export function watchdogPropsFromContext(read: ContextReader): EcsWatchdogProps {
  const props: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const setting = SETTINGS[name];
    const raw = read(setting.context);
    if (raw === undefined || raw === '') continue;
    const label = `EcsWatchdog: -c ${setting.context}`;
    const value = setting.check(setting.fromContext(raw, label), label);
    setPath(props, setting.prop, setting.kind === 'duration' ? Duration.millis(value as number) : value);
  }
  return props as EcsWatchdogProps;
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
