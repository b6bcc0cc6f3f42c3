import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { type AccountRegion, defaultExternalId, memberRoleArn } from '../domain/accounts/member-accounts';

/**
 * Credentials for lookups in a member account (README "Many accounts and regions"): the member role,
 * assumed with STS on first use and again shortly before the credentials expire, shared by every client
 * of that account (an assumed role's credentials hold in every region). An event of this function's own
 * account uses the function's own role: undefined.
 */
/** What an SDK client takes as `credentials` (the SDK's AwsCredentialIdentity and its provider). */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}
export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

/** What a lookup client of an account and region is built with (spread into any SDK client's config). */
export interface LookupClientConfig {
  region?: string;
  credentials?: AwsCredentialIdentityProvider | AwsCredentialIdentity;
}

export interface MemberCredentialsOptions {
  /** The account and region the function runs in; unknown (outside Lambda): every lookup uses the caller's credentials. */
  readonly home?: Partial<AccountRegion>;
  /** The STS client, with the function's own credentials. */
  readonly sts: STSClient;
  /** The `externalId` setting; without it, the default both sides derive from the central account. */
  readonly externalId?: string;
  readonly partition?: string;
  /** Role session name: who assumed the role, in the member's CloudTrail. */
  readonly sessionName: string;
  readonly now?: () => number;
}

/** Assume again this long before the credentials expire, so no request is signed with expiring ones. */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;
/** One hour, the longest a chained or default role session may last. */
const SESSION_SECONDS = 3600;

export class MemberCredentials {
  private readonly providers = new Map<string, AwsCredentialIdentityProvider>();
  /** How many AssumeRole calls were made: the cost of the cache's misses (bench and tests read it). */
  assumeRoleCalls = 0;

  constructor(private readonly options: MemberCredentialsOptions) {}

  /**
   * The client config of lookups in an event's account and region: none for the function's own account
   * and region (its own role), else the member role of the event's account in the event's region. The
   * home account's other regions use its member role too: the function's own grants are for its region.
   */
  clientConfig(where: AccountRegion | undefined): { region?: string; credentials?: AwsCredentialIdentityProvider } {
    const home = this.options.home;
    if (where === undefined || (where.account === home?.account && where.region === home.region)) return {};
    if (home?.account === undefined) return { region: where.region };
    return { region: where.region, credentials: this.credentials(where.account) };
  }

  private credentials(account: string): AwsCredentialIdentityProvider {
    let provider = this.providers.get(account);
    if (!provider) {
      provider = this.assumingProvider(account);
      this.providers.set(account, provider);
    }
    return provider;
  }

  private assumingProvider(account: string): AwsCredentialIdentityProvider {
    const now = this.options.now ?? Date.now;
    let current: Promise<AwsCredentialIdentity> | undefined;
    const renew = () => {
      const next = this.assume(account);
      current = next;
      // A failed assumption is not kept: the next request tries again.
      next.catch(() => {
        if (current === next) current = undefined;
      });
      return next;
    };
    return async () => {
      const held = current;
      const credentials = held && (await held.catch(() => undefined));
      if (credentials && (credentials.expiration?.getTime() ?? 0) - REFRESH_BEFORE_EXPIRY_MS > now()) {
        return credentials;
      }
      // Another request renewed them while this one waited: share its assumption.
      if (current && current !== held) return current;
      return renew();
    };
  }

  private async assume(account: string): Promise<AwsCredentialIdentity> {
    const { sts, partition, sessionName, home } = this.options;
    const externalId = this.options.externalId ?? (home?.account && defaultExternalId(home.account));
    this.assumeRoleCalls += 1;
    const response = await sts.send(
      new AssumeRoleCommand({
        RoleArn: memberRoleArn(account, partition),
        RoleSessionName: sessionName,
        DurationSeconds: SESSION_SECONDS,
        ...(externalId ? { ExternalId: externalId } : {}),
      }),
    );
    const credentials = response.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
      throw new Error(`AssumeRole of ${memberRoleArn(account, partition)} returned no credentials`);
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration,
    };
  }
}

/**
 * One set of things per account and region, built on first use and kept for the function instance's
 * life: the readers of a member's account and region, on clients signed with {@link MemberCredentials}.
 */
export class PerAccountRegion<T> {
  private readonly built = new Map<string, T>();

  constructor(private readonly build: (where: AccountRegion | undefined) => T) {}

  /** The set for this account and region; the function's own when undefined. */
  for(where: AccountRegion | undefined): T {
    const key = where ? `${where.account}/${where.region}` : '';
    let value = this.built.get(key);
    if (value === undefined) {
      value = this.build(where);
      this.built.set(key, value);
    }
    return value;
  }
}
