import { CliCredentialsStackSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { EcsWatchdogForwarder, type EcsWatchdogForwarderProps } from './ecs-watchdog-forwarder.js';

export interface MemberStackProps extends StackProps {
  readonly forwarder: EcsWatchdogForwarderProps;
}

/** A stack of one member account and region: what `cdk deploy -c centralAccount=… -c centralRegion=…` deploys. */
export class MemberStack extends Stack {
  readonly forwarder: EcsWatchdogForwarder;

  constructor(scope: Construct, id: string, props: MemberStackProps) {
    super(scope, id, {
      description: 'ECS Watchdog member: forwards ECS events to the central watchdog and lets it look them up',
      // No assets and no bootstrap: the template deploys with the caller's credentials or as a StackSet.
      synthesizer: new CliCredentialsStackSynthesizer(),
      ...props,
    });
    this.forwarder = new EcsWatchdogForwarder(this, 'Forwarder', props.forwarder);
  }
}

/**
 * The member stacks of an account: one per region of `memberRegions` (the role in the first only, as
 * it is global to the account), or one environment-agnostic stack when no regions are listed.
 */
export function addMemberStacks(scope: Construct, forwarder: EcsWatchdogForwarderProps): MemberStack[] {
  const regions = forwarder.memberRegions;
  if (!regions || regions.length === 0) return [new MemberStack(scope, 'EcsWatchdogMember', { forwarder })];
  return regions.map(
    (region, index) =>
      new MemberStack(scope, `EcsWatchdogMember-${region}`, {
        env: { region },
        forwarder: { ...forwarder, memberRole: index === 0 },
      }),
  );
}
