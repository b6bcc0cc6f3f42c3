import type { Duration } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type AlertFilter, alertPattern } from './alert-events.js';

/**
 * A Slack or Microsoft Teams channel connected through Amazon Q Developer in chat applications (formerly
 * AWS Chatbot). The workspace or team must have been authorised once in the Amazon Q Developer console
 * (docs/routing.md, "Chat").
 */
export interface ChatChannel extends AlertFilter {
  /** Letters, digits, `-` and `_`, unique among the channels: names the channel's configuration and topic. */
  readonly name: string;
  /** Slack: the workspace id (`T…`, from the Amazon Q Developer console) and the channel id (`C…`). */
  readonly slack?: { readonly workspaceId: string; readonly channelId: string };
  /** Microsoft Teams: the team id, the tenant id and the channel id (from the channel's link). */
  readonly microsoftTeams?: { readonly teamId: string; readonly tenantId: string; readonly channelId: string };
}

export interface ChatChannelsProps {
  readonly channels: readonly ChatChannel[];
  readonly bus: events.IEventBus;
  readonly deadLetterQueue: sqs.IQueue;
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
}

const NAME = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * The custom notification Amazon Q Developer renders, built by the rule's input transformer from the alert
 * on the bus: a chat channel reads a topic, and each channel gets a topic of its own fed by a rule with its
 * filter (an SNS subscription filter cannot apply to a subscription the chat service makes itself).
 */
export function chatNotificationInput(): events.RuleTargetInput {
  const field = (path: string) => events.EventField.fromPath(`$.detail.${path}`);
  return events.RuleTargetInput.fromObject({
    version: '1.0',
    source: 'custom',
    id: field('dedupeKey'),
    content: {
      textType: 'client-markdown',
      title: field('title'),
      description: field('summary'),
      nextSteps: field('nextSteps'),
      keywords: [field('severity'), field('category'), field('kind')],
    },
    metadata: { threadId: field('incidentId'), summary: field('title'), eventType: field('kind') },
  });
}

/** One topic, one rule and one channel configuration per chat channel. */
export class ChatChannels extends Construct {
  readonly topics: Record<string, sns.Topic> = {};
  readonly rules: Record<string, events.Rule> = {};

  constructor(scope: Construct, id: string, props: ChatChannelsProps) {
    super(scope, id);
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the ECS Watchdog chat channel topics',
      enableKeyRotation: true,
    });
    // EventBridge publishes to the encrypted topics; the chat service reads them (it is an SNS subscriber).
    for (const service of ['events.amazonaws.com', 'chatbot.amazonaws.com']) {
      key.grant(new iam.ServicePrincipal(service), 'kms:Decrypt', 'kms:GenerateDataKey*');
    }
    const role = new iam.Role(this, 'ChannelRole', {
      assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
      description: 'ECS Watchdog chat channels: notifications only, no permissions',
    });
    const seen = new Set<string>();
    props.channels.forEach((channel, i) => {
      const name = `chatChannels[${i}]`;
      if (typeof channel.name !== 'string' || !NAME.test(channel.name))
        throw new Error(`${name}.name: 1-100 letters, digits, - or _, got ${JSON.stringify(channel.name)}`);
      if (seen.has(channel.name)) throw new Error(`${name}.name: "${channel.name}" is used by another channel`);
      seen.add(channel.name);
      if (Boolean(channel.slack) === Boolean(channel.microsoftTeams))
        throw new Error(`${name}: give either slack or microsoftTeams`);
      const topic = new sns.Topic(this, `${channel.name}Topic`, {
        displayName: `ECS Watchdog alerts for chat channel ${channel.name}`,
        masterKey: key,
        enforceSSL: true,
      });
      this.topics[channel.name] = topic;
      this.rules[channel.name] = new events.Rule(this, `${channel.name}Rule`, {
        description: `ECS Watchdog alerts for chat channel ${channel.name}`,
        eventBus: props.bus,
        eventPattern: alertPattern(channel, name),
        targets: [
          new targets.SnsTopic(topic, {
            message: chatNotificationInput(),
            deadLetterQueue: props.deadLetterQueue,
            retryAttempts: props.retryAttempts,
            maxEventAge: props.maxEventAge,
          }),
        ],
      });
      if (channel.slack) {
        requireIds(channel.slack, `${name}.slack`);
        new chatbot.SlackChannelConfiguration(this, `${channel.name}Slack`, {
          slackChannelConfigurationName: `ecs-watchdog-${channel.name}`,
          slackWorkspaceId: channel.slack.workspaceId,
          slackChannelId: channel.slack.channelId,
          notificationTopics: [topic],
          role,
        });
      } else if (channel.microsoftTeams) {
        requireIds(channel.microsoftTeams, `${name}.microsoftTeams`);
        new chatbot.CfnMicrosoftTeamsChannelConfiguration(this, `${channel.name}Teams`, {
          configurationName: `ecs-watchdog-${channel.name}`,
          iamRoleArn: role.roleArn,
          teamId: channel.microsoftTeams.teamId,
          teamsTenantId: channel.microsoftTeams.tenantId,
          teamsChannelId: channel.microsoftTeams.channelId,
          snsTopicArns: [topic.topicArn],
        });
      }
    });
  }
}

function requireIds(ids: object, name: string): void {
  for (const [field, value] of Object.entries(ids)) {
    if (typeof value !== 'string' || value.trim() === '') throw new Error(`${name}.${field}: expected a non-empty id`);
  }
}
