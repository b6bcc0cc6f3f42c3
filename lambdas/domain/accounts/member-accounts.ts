/**
 * Many accounts and regions, one watchdog (README "Many accounts and regions"): member accounts forward
 * their ECS events to the central account's bus and create one read-only role, which the central
 * functions assume for every lookup in that account. Pure: the names both sides agree on, and where an
 * event comes from.
 */
import { parseEnvelope } from '../events/ecs-event';

/** The read-only role every member account creates (infra EcsWatchdogForwarder), under {@link MEMBER_ROLE_PATH}. */
export const MEMBER_ROLE_NAME = 'ecs-watchdog-member';
export const MEMBER_ROLE_PATH = '/ecs-watchdog/';

/**
 * The IAM path of the central functions' roles that look up member resources (task-stopped, rollout,
 * capacity-scan): the member role trusts only roles on this path of the central account.
 */
export const CENTRAL_LOOKUP_ROLE_PATH = '/ecs-watchdog-central/';

/** The member role of an account: `arn:aws:iam::111111111111:role/ecs-watchdog/ecs-watchdog-member`. */
export function memberRoleArn(account: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${account}:role${MEMBER_ROLE_PATH}${MEMBER_ROLE_NAME}`;
}

/**
 * The external id the member role requires and the central functions pass when the `externalId` setting
 * is not given: every member role then has an external-id condition, whatever else it trusts.
 */
export function defaultExternalId(centralAccount: string): string {
  return `ecs-watchdog-${centralAccount}`;
}

/** An account and region: where an event happened, and so where its lookups go. */
export interface AccountRegion {
  readonly account: string;
  readonly region: string;
}

/**
 * Where an event's lookups go: its envelope's account and region, or undefined when the envelope is
 * malformed (the processing then rejects the event with the reason, and looks nothing up).
 */
export function lookupOrigin(raw: unknown): AccountRegion | undefined {
  try {
    const { account, region } = parseEnvelope(raw);
    return { account, region };
  } catch {
    return undefined;
  }
}

/** How an alert names an account: `payments-prod (111111111111)` when the `accountNames` setting names it. */
export function accountLabel(account: string, names: Readonly<Record<string, string>>): string {
  return namedAccount(account, names[account]);
}

/** {@link accountLabel} of an account whose name (if any) is known. */
export function namedAccount(account: string, name: string | undefined): string {
  return name ? `${name} (${account})` : account;
}
