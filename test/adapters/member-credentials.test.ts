import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  MemberCredentials,
  PerAccountRegion,
  REFRESH_BEFORE_EXPIRY_MS,
} from '../../lambdas/adapters/member-credentials';
import { lookupOrigin } from '../../lambdas/domain/accounts/member-accounts';

const HOME = { account: '999999999999', region: 'eu-west-1' };
const MEMBER_B = { account: '222222222222', region: 'eu-west-1' };
const sts = mockClient(STSClient);
const T0 = Date.parse('2026-01-01T00:00:00Z');

function credentialsUntil(expiresAt: number, key = 'ASIAMEMBER') {
  return {
    Credentials: {
      AccessKeyId: key,
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(expiresAt),
    },
  };
}

function members(options: { externalId?: string; now?: () => number; home?: typeof HOME | undefined } = {}) {
  return new MemberCredentials({
    home: 'home' in options ? options.home : HOME,
    sts: new STSClient({ region: HOME.region }),
    externalId: options.externalId,
    sessionName: 'ecs-watchdog-task-stopped',
    now: options.now ?? (() => T0),
  });
}

beforeEach(() => {
  sts.reset();
  sts.on(AssumeRoleCommand).resolves(credentialsUntil(T0 + 3_600_000));
});

describe('picking the role of an event', () => {
  it("uses the function's own role in its own account and region: no credentials, no region, no STS call", () => {
    const credentials = members();
    expect(credentials.clientConfig(HOME)).toEqual({});
    expect(credentials.clientConfig(undefined)).toEqual({});
    expect(sts.calls()).toHaveLength(0);
  });

  it("assumes the member role of the event's account, in the event's region, with the default external id", async () => {
    const credentials = members();
    const config = credentials.clientConfig({ account: '222222222222', region: 'us-east-1' });
    expect(config.region).toBe('us-east-1');
    const identity = await config.credentials?.();
    expect(identity).toMatchObject({ accessKeyId: 'ASIAMEMBER', sessionToken: 'token' });
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toEqual({
      RoleArn: 'arn:aws:iam::222222222222:role/ecs-watchdog/ecs-watchdog-member',
      RoleSessionName: 'ecs-watchdog-task-stopped',
      DurationSeconds: 3600,
      ExternalId: 'ecs-watchdog-999999999999',
    });
  });

  it('passes the configured external id instead of the default', async () => {
    await members({ externalId: 'ops-42' }).clientConfig(MEMBER_B).credentials?.();
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input.ExternalId).toBe('ops-42');
  });

  it("assumes the home account's member role in another region (the function's grants are for its own region)", async () => {
    await members().clientConfig({ account: HOME.account, region: 'us-west-2' }).credentials?.();
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input.RoleArn).toBe(
      'arn:aws:iam::999999999999:role/ecs-watchdog/ecs-watchdog-member',
    );
  });

  it("outside Lambda (home unknown) uses the caller's credentials in the event's region", () => {
    expect(members({ home: undefined }).clientConfig(MEMBER_B)).toEqual({ region: 'eu-west-1' });
  });

  it("reads the account and region from the event's envelope; a malformed envelope looks up at home", () => {
    const event = {
      source: 'aws.ecs',
      'detail-type': 'ECS Task State Change',
      account: '222222222222',
      region: 'ap-south-1',
      detail: {},
    };
    expect(lookupOrigin(event)).toEqual({ account: '222222222222', region: 'ap-south-1' });
    expect(lookupOrigin({ ...event, account: 'x' })).toBeUndefined();
    expect(lookupOrigin('not an event')).toBeUndefined();
  });
});

describe('the credentials cache', () => {
  it('assumes a role once per account: every region and every client of that account share it', async () => {
    const credentials = members();
    await Promise.all([
      credentials.clientConfig(MEMBER_B).credentials?.(),
      credentials.clientConfig(MEMBER_B).credentials?.(),
      credentials.clientConfig({ ...MEMBER_B, region: 'us-east-1' }).credentials?.(),
    ]);
    await credentials.clientConfig(MEMBER_B).credentials?.();
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    await credentials.clientConfig({ account: '111111111111', region: 'eu-west-1' }).credentials?.();
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    expect(credentials.assumeRoleCalls).toBe(2);
  });

  it('assumes again shortly before the credentials expire', async () => {
    let now = T0;
    const credentials = members({ now: () => now });
    const provider = credentials.clientConfig(MEMBER_B).credentials;
    await provider?.();
    now = T0 + 3_600_000 - REFRESH_BEFORE_EXPIRY_MS - 1;
    await provider?.();
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    sts.on(AssumeRoleCommand).resolves(credentialsUntil(T0 + 7_200_000, 'ASIARENEWED'));
    now = T0 + 3_600_000 - REFRESH_BEFORE_EXPIRY_MS + 1;
    expect((await provider?.())?.accessKeyId).toBe('ASIARENEWED');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('does not keep a failed assumption: the next lookup tries again', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(new Error('AccessDenied: not authorized to perform sts:AssumeRole'))
      .resolves(credentialsUntil(T0 + 3_600_000));
    const provider = members().clientConfig(MEMBER_B).credentials;
    await expect(provider?.()).rejects.toThrow(/AccessDenied/);
    expect((await provider?.())?.accessKeyId).toBe('ASIAMEMBER');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it("signs the member's requests with the assumed credentials", async () => {
    const ecs = mockClient(ECSClient);
    ecs.on(DescribeTaskDefinitionCommand).resolves({});
    const client = new ECSClient(members().clientConfig(MEMBER_B));
    await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'fam:1' }));
    expect(await client.config.credentials()).toMatchObject({ accessKeyId: 'ASIAMEMBER' });
    ecs.restore();
  });
});

describe('one set of readers per account and region', () => {
  it('builds once per account and region, and once for home', () => {
    const built: unknown[] = [];
    const sets = new PerAccountRegion((where) => {
      built.push(where);
      return { where };
    });
    const b = sets.for(MEMBER_B);
    expect(sets.for({ ...MEMBER_B })).toBe(b);
    sets.for({ ...MEMBER_B, region: 'us-east-1' });
    sets.for(undefined);
    sets.for(undefined);
    expect(built).toEqual([MEMBER_B, { ...MEMBER_B, region: 'us-east-1' }, undefined]);
  });
});
