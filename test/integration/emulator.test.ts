import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rewriteFixtureIds, type SeededAccount, seedAccount } from '../../local/seed';
import { awsClientConfig, resetAws } from './aws';

describe('local AWS emulator + seeder', () => {
  let seeded: SeededAccount;
  beforeAll(async () => {
    await resetAws();
    seeded = await seedAccount(awsClientConfig());
  });

  it('seeds the production cluster with tagged services and api-service:42', async () => {
    const ecs = new ECSClient(awsClientConfig());
    const res = await ecs.send(
      new DescribeServicesCommand({ cluster: 'production', services: ['api-service'], include: ['TAGS'] }),
    );
    const svc = res.services?.[0];
    expect(svc?.serviceArn).toBe('arn:aws:ecs:us-east-1:123456789012:service/production/api-service');
    expect(svc?.taskDefinition).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/api-service:42');
    expect(svc?.tags).toContainEqual({ key: 'team', value: 'payments' });
    expect(svc?.deploymentConfiguration?.maximumPercent).toBe(200);
  });

  it('has a nearly full /28 subnet and maps fixture subnet ids', async () => {
    const ec2 = new EC2Client(awsClientConfig());
    const res = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [seeded.subnets.tiny.subnetId] }));
    expect(res.Subnets?.[0]?.AvailableIpAddressCount).toBe(2);
    const event = { detail: { attachments: [{ details: [{ name: 'subnetId', value: 'subnet-0a1b2c3d4e5f60001' }] }] } };
    expect(JSON.stringify(rewriteFixtureIds(event, seeded.fixtureIds))).toContain(seeded.subnets.a.subnetId);
  });

  it('delivers alerts to SQS subscribers, honouring the team filter policy', async () => {
    const sns = new SNSClient(awsClientConfig());
    const sqs = new SQSClient(awsClientConfig());
    await sns.send(
      new PublishCommand({
        TopicArn: seeded.alerts.topicArn,
        Subject: 'test',
        Message: JSON.stringify({ default: 'text', sqs: '{"kind":"TASK_STOPPED"}' }),
        MessageStructure: 'json',
        MessageAttributes: { team: { DataType: 'String', StringValue: 'fulfilment' } },
      }),
    );
    const all = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: seeded.alerts.allAlerts.queueUrl, WaitTimeSeconds: 2 }),
    );
    expect(JSON.parse(all.Messages?.[0]?.Body ?? '{}').Message).toBe('{"kind":"TASK_STOPPED"}');
    const payments = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: seeded.alerts.paymentsAlerts.queueUrl, WaitTimeSeconds: 1 }),
    );
    expect(payments.Messages ?? []).toHaveLength(0);
  });
});
