import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';

/**
 * Who runs the CLI (STS GetCallerIdentity, which needs no permission): kept with every silence as who
 * added or ended it. An assumed role reads as `ROLE/SESSION` (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`).
 */
export class CallerIdentity {
  constructor(private readonly sts: STSClient) {}

  async whoAmI(): Promise<string> {
    const out = await this.sts.send(new GetCallerIdentityCommand({}));
    return out.Arn ?? out.UserId ?? 'unknown caller';
  }
}
