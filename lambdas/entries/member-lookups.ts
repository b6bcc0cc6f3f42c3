import { STSClient } from '@aws-sdk/client-sts';
import { type LookupClientConfig, MemberCredentials, PerAccountRegion } from '../adapters/member-credentials';
import type { AccountsConfig } from '../app/shared/config';
import { lookupOrigin } from '../domain/accounts/member-accounts';

/**
 * The lookups of an event, in the event's account and region (README "Many accounts and regions"):
 * built once per account and region on clients of {@link MemberCredentials}, and kept for the function
 * instance's life, so a warm function assumes a member's role once an hour at most.
 */
export function memberLookups<T>(
  accounts: AccountsConfig | undefined,
  entry: string,
  build: (clientConfig: LookupClientConfig) => T,
  /** The function's own STS client (tests and benchmarks point it at the emulator). */
  sts: STSClient = new STSClient({}),
): { forEvent(raw: unknown): T; credentials: MemberCredentials } {
  const credentials = new MemberCredentials({
    home: { account: accounts?.homeAccount, region: accounts?.homeRegion },
    sts,
    externalId: accounts?.externalId,
    sessionName: `ecs-watchdog-${entry}`,
  });
  const lookups = new PerAccountRegion((where) => build(credentials.clientConfig(where)));
  return { forEvent: (raw) => lookups.for(lookupOrigin(raw)), credentials };
}
