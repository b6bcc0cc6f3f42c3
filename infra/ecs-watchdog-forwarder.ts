import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { defaultExternalId } from '../lambdas/domain/accounts/member-accounts.js';
import { type Setting, SettingError } from '../lambdas/domain/settings/setting.js';
import { FORWARDER_SETTINGS, type ForwarderSettingName } from '../lambdas/domain/settings/settings.js';
import { checkSetting } from './config.js';
import { deadLetterQueue } from './dead-letter-queue.js';
import { taskStoppedPattern } from './ecs-watchdog.js';
import { MemberRole } from './member-role.js';
import { deploymentPattern, serviceActionPattern } from './rollout-watch.js';

export interface EcsWatchdogForwarderProps {
  /** The account of the central `EcsWatchdog` (12 digits). */
  readonly centralAccount: string;
  /** The region of the central `EcsWatchdog`: its default bus receives the events. */
  readonly centralRegion: string;
  /**
   * The organization both accounts belong to: the member role trusts the central functions only as
   * principals of it (`aws:PrincipalOrgID`), on top of the external id.
   *
   * @default - no organization condition
   */
  readonly organizationId?: string;
  /**
   * The external id the central watchdog passes (its `externalId`): the member role requires it.
   *
   * @default `ecs-watchdog-CENTRALACCOUNT`, which the central watchdog passes when its `externalId` is not set
   */
  readonly externalId?: string;
  /**
   * The regions the central watchdog may read this account in (`aws:RequestedRegion` on the role).
   *
   * @default - any region
   */
  readonly memberRegions?: string[];
  /**
   * Create the member role here. The role is global to the account: create it in one stack of the
   * account (one region), and forward from the others with `memberRole: false`.
   *
   * @default true
   */
  readonly memberRole?: boolean;
}

/**
 * A member account and region of a central `EcsWatchdog` (README "Many accounts and regions"): rules
 * forwarding the three ECS event kinds, filtered by the central rules' own patterns (routine stops never
 * leave the account), to the central default bus; and, once per account, the read-only role the central
 * functions assume for every lookup here.
 */
export class EcsWatchdogForwarder extends Construct {
  readonly rules: events.Rule[];
  /** Events the central bus refused after EventBridge's retries (24 hours). */
  readonly deadLetterQueue: sqs.Queue;
  readonly memberRole?: MemberRole;

  constructor(scope: Construct, id: string, props: EcsWatchdogForwarderProps) {
    super(scope, id);
    const settings = resolveForwarderSettings(props);
    const stack = Stack.of(this);
    const centralBus = events.EventBus.fromEventBusArn(
      this,
      'CentralBus',
      `arn:${stack.partition}:events:${settings.centralRegion}:${settings.centralAccount}:event-bus/default`,
    );
    this.deadLetterQueue = deadLetterQueue(this, 'the forwarding rules: events the central bus refused stay 14 days');
    const role = new iam.Role(this, 'ForwardRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: "ECS Watchdog: puts this account's ECS events on the central watchdog's bus",
    });
    const patterns: [string, events.EventPattern][] = [
      ['TaskStopped', taskStoppedPattern()],
      ['Deployment', deploymentPattern()],
      ['ServiceAction', serviceActionPattern()],
    ];
    this.rules = patterns.map(
      ([name, eventPattern]) =>
        new events.Rule(this, `Forward${name}`, {
          description: `ECS Watchdog: forwards ${name} events worth a look to the central watchdog`,
          eventPattern: { ...eventPattern, account: [stack.account] },
          targets: [new targets.EventBus(centralBus, { role, deadLetterQueue: this.deadLetterQueue })],
        }),
    );
    if (props.memberRole ?? true) {
      this.memberRole = new MemberRole(this, 'MemberRole', {
        centralAccount: settings.centralAccount,
        organizationId: settings.organizationId,
        externalId: settings.externalId ?? defaultExternalId(settings.centralAccount),
        regions: settings.memberRegions,
      });
    }
  }
}

type ForwarderSettings = { [K in ForwarderSettingName]: ReturnType<(typeof FORWARDER_SETTINGS)[K]['check']> };

/** The forwarder's settings by the contract; a missing central account or region fails naming its -c key. */
export function resolveForwarderSettings(
  props: EcsWatchdogForwarderProps,
): ForwarderSettings & { centralAccount: string; centralRegion: string } {
  const prefix = 'EcsWatchdogForwarder:';
  const settings = Object.fromEntries(
    Object.entries(FORWARDER_SETTINGS).map(([name, setting]) => [
      name,
      checkSetting(setting as Setting<unknown>, props, prefix),
    ]),
  ) as ForwarderSettings;
  for (const key of ['centralAccount', 'centralRegion'] as const) {
    if (settings[key] === undefined) {
      throw new SettingError(`${prefix} ${key} is required (-c ${FORWARDER_SETTINGS[key].context})`);
    }
  }
  return settings as ForwarderSettings & { centralAccount: string; centralRegion: string };
}
