import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CENTRAL_LOOKUP_ROLE_PATH } from '../lambdas/domain/accounts/member-accounts.js';
import { RESOURCE_ENV, type SettingName, settingsEnvironment } from '../lambdas/domain/settings/settings.js';
import type { Severity } from '../lambdas/domain/stops/taxonomy.js';
import { LAZY_MODULES } from '../lambdas/entries/lazy-modules.js';
import { AlertEvents } from './alert-events.js';
import { clusterArnOf, nagArn } from './arns.js';
import { CapacityScan } from './capacity-scan.js';
import { type ChatChannel, ChatChannels } from './chat-channels.js';
import {
  type CapacityScanSettingsInput,
  checkClustersCovered,
  type RestartLoopSettingsInput,
  resolveSettings,
  type WatchdogSettings,
} from './config.js';
import { WatchdogDashboard } from './dashboard.js';
import { deadLetterQueue } from './dead-letter-queue.js';
import { Incidents } from './incidents.js';
import { MEMBER_LOOKUP_SETTINGS, MemberAccess } from './member-access.js';
import { TOPIC_KEY_GRANT_ACKNOWLEDGEMENT } from './nag-reasons.js';
import { WatchdogOps } from './ops.js';
import { PagerDuty, type PagerDutyOptions } from './pager-duty.js';
import { RolloutWatch } from './rollout-watch.js';
import { handlerEntry, WatchdogFunction } from './watchdog-function.js';

export interface EcsWatchdogProps {
  /**
   * ECS clusters to watch, by name or ARN. A name is resolved to an ARN in the stack's account and region;
   * a token (such as `cluster.clusterName` of a cluster in the same app) is treated as a name.
   * ARNs must be in the stack's account and region: the rule listens on that region's default event bus.
   *
   * @default - every cluster in the account and region
   */
  readonly clusters?: string[];

  /**
   * An existing SNS topic to publish alerts to. If it is encrypted with a customer managed KMS key, that
   * key's policy must let the watchdog's functions use it (`grantPublish` adds the IAM side).
   *
   * @default - a new topic, encrypted with a new customer managed KMS key (with rotation), whose policy denies non-TLS requests
   */
  readonly alertTopic?: sns.ITopic;

  /**
   * An e-mail address to subscribe to the alert topic. AWS sends it a confirmation message first.
   *
   * @default - no e-mail subscription
   */
  readonly alertEmail?: string;

  /**
   * Topic for operational alarms about the watchdog itself (dead-letter queue, undelivered alerts, function
   * errors and throttles, timer queue age, invalid events). Keep it apart from the alert topic: if the alert
   * topic or its key is what broke, its alarm must still be heard. If it is encrypted with a customer managed
   * key, the key policy must allow `cloudwatch.amazonaws.com` to use `kms:Decrypt` and `kms:GenerateDataKey*`,
   * or the alarms cannot publish.
   *
   * @default - a new topic, encrypted with its own customer managed KMS key (with rotation), TLS only
   */
  readonly opsTopic?: sns.ITopic;

  /**
   * An e-mail address to subscribe to the ops topic (CloudWatch's own alarm notifications, which do not
   * depend on any watchdog function). AWS sends it a confirmation message first.
   *
   * @default - no e-mail subscription
   */
  readonly opsEmail?: string;

  /**
   * Tag on ECS services that names the owning team; its value becomes the `team` message attribute
   * that teams filter on.
   *
   * @default 'team'
   */
  readonly teamTagKey?: string;

  /**
   * Time the handler may spend looking up context (task definition, tags, logs, metrics) before it
   * publishes what it has. From 100 ms to 20 s (the function times out after 30 s).
   *
   * @default Duration.seconds(3)
   */
  readonly enrichmentBudget?: Duration;

  /**
   * Lines of the culprit container's log to include in an alert; 0 disables the excerpt. At most 100.
   *
   * @default 20
   */
  readonly logExcerptLines?: number;

  /**
   * Stop categories that never publish an alert (see `STOP_CATEGORIES` in `lambdas/domain/stops/taxonomy.ts`).
   *
   * @default - none
   */
  readonly mutedCategories?: string[];

  /**
   * Severity per stop category, rollout outcome (`ROLLOUT_FAILED`, ...) or service action event
   * (`SERVICE_TASK_PLACEMENT_FAILURE`, ...), replacing the default (e.g. `{ HEALTH_CHECK_ELB: 'CRITICAL' }`).
   *
   * @default - the taxonomy's defaults
   */
  readonly severityOverrides?: Record<string, Severity>;

  /**
   * Extra regular expressions (JavaScript syntax) whose matches are replaced by `[REDACTED]` in log
   * excerpts, on top of the built-in rules (AWS keys, bearer tokens, JWTs, passwords in URLs,
   * password/secret/token pairs, private keys).
   *
   * @default - the built-in rules only
   */
  readonly redactPatterns?: string[];

  /**
   * The scheduled capacity scan: free addresses and deployment surge headroom of every subnet used by
   * awsvpc services, and free network interfaces of EC2 container instances, as CloudWatch metrics
   * (namespace `EcsWatchdog/Capacity`) and CAPACITY alerts. `schedule`: whole minutes from 5 to 1440;
   * `freeIpThreshold`: alert on a subnet with fewer free addresses than this even when surges fit (0 to
   * 65,531); `concurrency`: ECS and EC2 requests in flight at once (1 to 64).
   *
   * @default - enabled, every 15 minutes, threshold 25 free addresses, 8 requests at once
   */
  readonly capacityScan?: CapacityScanSettingsInput;

  /**
   * When stops of one service become one RESTART_LOOP incident instead of one alert each, and when it
   * closes (docs/architecture.md, "The incident model"). `threshold`: actionable stops (an integer from 2 to 100) within `window` (1 minute
   * to 24 hours) that open the incident; `groupWait`: how long a first stop's alert is held so that a
   * loop starting right behind it pages once (0 to 15 minutes, the longest SQS message delay);
   * `quietPeriod`: an open incident with no further stop for this long closes with a RECOVERED alert
   * (1 minute to 24 hours). A `SERVICE_STEADY_STATE` event closes it earlier. Durations are whole seconds.
   *
   * @default - threshold 3, window 10 minutes, groupWait 60 seconds, quietPeriod 15 minutes
   */
  readonly restartLoop?: RestartLoopSettingsInput;
  /**
   * Days stops, pages and incidents are kept in the history (`ecs-watchdog history`, `incidents`): an
   * integer from 0 to 365; 0 records nothing and filters routine stops at the rule again. While on,
   * routine stops (scale-in, deployments, user stops) reach the task-stopped function to be recorded.
   * @default 30
   */
  readonly historyRetentionDays?: number;
  /**
   * Recurring maintenance windows, during which matching pages are silenced (recorded, not sent): each
   * `DAY HH:MM/DURATION cluster=NAME [service=NAME] [category=NAME]`, DAY being MON…SUN or `daily`, the
   * time UTC, e.g. `SUN 02:00/2h cluster=prod service=api`. @default none
   */
  readonly maintenanceWindows?: string[];

  /**
   * What happens to the state table (open incidents, event claims, the capacity scan's open incidents)
   * when it is removed from the stack or the stack is deleted. Every item expires by itself (TTL), so
   * `RemovalPolicy.DESTROY` loses at most the memory of incidents still open: they may alert once more.
   *
   * @default RemovalPolicy.RETAIN - the table is left in the account, as for every DynamoDB table CDK creates
   */
  readonly stateTableRemovalPolicy?: RemovalPolicy;

  /**
   * What `cdk destroy` (or removing the construct) does with what outlives the stack by default: the state
   * table and the customer managed KMS keys (docs/deploy.md, "Removal"). `retain` leaves them in the account
   * (the table keeps open incidents and event claims across a redeploy; a key still decrypts messages
   * encrypted with it); `destroy` deletes the table and schedules the keys for deletion (30 days' waiting
   * period). `stateTableRemovalPolicy`, when given, decides for the table. Context key `removalPolicy`.
   *
   * @default 'retain'
   */
  readonly removalPolicy?: 'retain' | 'destroy';

  /**
   * Member accounts whose ECS events this watchdog receives and looks up (README "Many accounts and
   * regions"), as 12-digit ids: the default bus accepts their `aws.ecs` events (a bus policy), the rules
   * match them, and the functions assume each one's `ecs-watchdog-member` role (created by
   * `EcsWatchdogForwarder`) for every lookup there and for the capacity scan. This account's own events
   * are always matched.
   *
   * @default - this account only
   */
  readonly memberAccounts?: string[];

  /**
   * An AWS Organization (`o-…`) whose accounts may forward ECS events here: the bus policy accepts every
   * account of it (`aws:PrincipalOrgID`) and the rules match any account. The capacity scan covers the
   * accounts of {@link memberAccounts} only (listing an organization's accounts needs its management account).
   *
   * @default - no organization
   */
  readonly organizationId?: string;

  /**
   * Regions the members (and this account) forward ECS events from, when they run ECS in regions other
   * than this deployment's: watched cluster ARNs must be in one of them, and the capacity scan covers each.
   *
   * @default - this deployment's region only
   */
  readonly memberRegions?: string[];

  /**
   * The external id the member roles require (`sts:ExternalId`); give the same to `EcsWatchdogForwarder`.
   *
   * @default - none: the member roles are trusted within the organization (`organizationId`) instead
   */
  readonly externalId?: string;

  /**
   * What alerts call each account: `{ '111111111111': 'payments-prod' }` (1 to 64 letters, digits, spaces
   * or `. : / @ + = - _`). The name goes into the e-mail, the chat message, the alert JSON and the labels
   * of its console links; the `account` message attribute keeps the id.
   *
   * @default - accounts are named by their id
   */
  readonly accountNames?: Record<string, string>;

  /**
   * Also put every alert on an EventBridge bus, as an `ECS Watchdog Alert` event (source `ecs-watchdog`)
   * whose `detail` is the alert JSON (docs/routing.md, "The EventBridge output"). On when `chatChannels`
   * or `pagerDuty` is given.
   *
   * @default - off; when on, the account's default bus
   */
  readonly alertEvents?: { readonly bus?: events.IEventBus };

  /**
   * Slack and Microsoft Teams channels to connect through Amazon Q Developer in chat applications, each
   * with its own filter (`teams`, `severities`); see {@link ChatChannel} and docs/routing.md, "Chat".
   *
   * @default - none
   */
  readonly chatChannels?: ChatChannel[];

  /**
   * Send pages to PagerDuty (Events API v2) through an EventBridge API destination: dedup key = incident
   * id, an all-clear resolves (docs/routing.md, "Paging").
   *
   * @default - none
   */
  readonly pagerDuty?: PagerDutyOptions;

  /**
   * Retention of the functions' log groups.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/** The settings the task-stopped handler reads from its environment (besides the incident ones). */
export const TASK_STOPPED_SETTINGS = [
  'teamTagKey',
  'enrichmentBudget',
  'logExcerptLines',
  'mutedCategories',
  'severityOverrides',
  'redactPatterns',
  ...MEMBER_LOOKUP_SETTINGS,
] as const satisfies readonly SettingName[];

/**
 * The settings the timer and sweep handlers read (besides the incident ones): held alerts leave through
 * their redaction gate, with their account's name.
 */
export const TIMER_SETTINGS = ['redactPatterns', 'accountNames'] as const satisfies readonly SettingName[];

/**
 * Routine stops the rule pattern can recognise, so they never invoke the function (docs/architecture.md,
 * "The path of one event").
 */
export const USER_INITIATED_STOP_CODE = 'UserInitiated';
export const SCALING_ACTIVITY_REASON_PREFIX = 'Scaling activity initiated by';

/**
 * EventBridge retries delivery to Lambda only when the invocation itself fails (throttling, service
 * errors): function errors are Lambda's business (see {@link WatchdogFunction}). Retrying for the full
 * 24 hours costs nothing while Lambda is healthy and, when it is not, keeps the event until it can be
 * delivered; what still fails goes to the dead-letter queue, which pages ops.
 */
export const RULE_RETRY_ATTEMPTS = 185;
export const RULE_MAX_EVENT_AGE = Duration.hours(24);

/**
 * Serverless watchdog for Amazon ECS: classifies why tasks stop and publishes one alert per problem to
 * an SNS topic. Minimal use: `new EcsWatchdog(this, 'Watchdog')`.
 */
export class EcsWatchdog extends Construct {
  /** Where alerts are published; subscribe e-mail, chat, queues or functions here. */
  readonly alertTopic: sns.ITopic;
  /** The key encrypting the alert topic, when this construct created the topic. */
  readonly alertTopicKey?: kms.IKey;
  /** Events and timers that could not be handled after all retries. */
  readonly deadLetterQueue: sqs.Queue;
  /** The state table (incidents, duplicates, capacity scan state), the timer queue and its `timer` handler. */
  readonly incidents: Incidents;
  /** The handler of ECS Task State Change (STOPPED) events. */
  readonly taskStopped: WatchdogFunction;
  /** The rule routing task stops to {@link taskStopped}. */
  readonly taskStoppedRule: events.Rule;
  /** Deployment and service-action events and their `rollout` handler. */
  readonly rolloutWatch: RolloutWatch;
  /** The scheduled capacity scan; undefined when `capacityScan.enabled` is false. */
  readonly capacityScan?: CapacityScan;
  /** Where the watchdog's own alarms go; separate from the alert topic unless `opsTopic` says otherwise. */
  readonly opsTopic: sns.ITopic;
  /** The ops topic, the alarms watching the watchdog and their relay (README "Watching the watchdog"). */
  readonly ops: WatchdogOps;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly invalidEventsAlarm: cloudwatch.Alarm;
  /** The EventBridge output, when on (`alertEvents`, `chatChannels` or `pagerDuty`). */
  readonly alertEvents?: AlertEvents;
  readonly chatChannels?: ChatChannels;
  readonly pagerDuty?: PagerDuty;
  /** What member accounts may send here and what the functions may assume there (README "Many accounts and regions"). */
  readonly memberAccess: MemberAccess;
  /** The CloudWatch dashboard of pages, stops, incidents, silences, delivery and capacity (infra/dashboard.ts). */
  readonly dashboard: WatchdogDashboard;

  private readonly settings: WatchdogSettings;

  constructor(scope: Construct, id: string, props: EcsWatchdogProps = {}) {
    super(scope, id);
    this.settings = resolveSettings(props);
    checkClustersCovered(this.settings, Stack.of(this));
    this.memberAccess = new MemberAccess(this, 'MemberAccess', { settings: this.settings });
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;

    if (props.alertTopic) {
      this.alertTopic = props.alertTopic;
    } else {
      const key = new kms.Key(this, 'AlertTopicKey', {
        description: 'Encrypts the ECS Watchdog alert topic',
        enableKeyRotation: true,
      });
      this.alertTopicKey = key;
      this.alertTopic = new sns.Topic(this, 'AlertTopic', {
        displayName: 'ECS Watchdog alerts',
        masterKey: key,
        enforceSSL: true,
      });
    }
    if (this.settings.alertEmail !== undefined) {
      this.alertTopic.addSubscription(new subscriptions.EmailSubscription(this.settings.alertEmail));
    }

    this.deadLetterQueue = deadLetterQueue(
      this,
      'the watchdog rules, functions and timer queue; messages stay 14 days and an alarm pages ops on the first one',
    );

    this.incidents = new Incidents(this, 'Incidents', {
      restartLoop: this.settings,
      alertTopic: this.alertTopic,
      deadLetterQueue: this.deadLetterQueue,
      logRetention,
      stateTableRemovalPolicy: props.stateTableRemovalPolicy ?? this.removalPolicy(),
    });

    // Held alerts leave through the timer (and the sweep): its redaction gate applies the extra patterns too.
    for (const [name, value] of Object.entries(settingsEnvironment(this.settings, TIMER_SETTINGS))) {
      this.incidents.timer.function.addEnvironment(name, value);
      this.incidents.sweep.function.addEnvironment(name, value);
    }
    this.taskStopped = this.taskStoppedHandler(logRetention);
    const eventAccounts = this.memberAccess.ruleAccounts;
    this.taskStoppedRule = new events.Rule(this, 'TaskStoppedRule', {
      description: 'ECS task stops that may need a human (routine stops are filtered out)',
      eventPattern: taskStoppedPattern(this.clusterArns(), eventAccounts, {
        routine: this.settings.historyRetentionDays > 0,
      }),
      targets: [
        new targets.LambdaFunction(this.taskStopped.function, {
          retryAttempts: RULE_RETRY_ATTEMPTS,
          maxEventAge: RULE_MAX_EVENT_AGE,
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });
    this.rolloutWatch = new RolloutWatch(this, 'RolloutWatch', {
      settings: this.settings,
      alertTopic: this.alertTopic,
      incidents: this.incidents,
      deadLetterQueue: this.deadLetterQueue,
      logRetention,
      services: this.servicePatterns(),
      eventAccounts,
      retryAttempts: RULE_RETRY_ATTEMPTS,
      maxEventAge: RULE_MAX_EVENT_AGE,
    });
    if (this.settings.capacityScanEnabled) {
      this.capacityScan = new CapacityScan(this, 'CapacityScan', {
        alertTopic: this.alertTopic,
        stateTable: this.incidents.table,
        deadLetterQueue: this.deadLetterQueue,
        logRetention,
        settings: this.settings,
        retryAttempts: RULE_RETRY_ATTEMPTS,
        maxEventAge: RULE_MAX_EVENT_AGE,
      });
    }

    this.ops = new WatchdogOps(this, 'Ops', {
      opsTopic: props.opsTopic,
      opsEmail: this.settings.opsEmail,
      deadLetterQueue: this.deadLetterQueue,
      timerQueue: this.incidents.timerQueue,
      functions: {
        'task-stopped': this.taskStopped,
        rollout: this.rolloutWatch.handler,
        timer: this.incidents.timer,
        sweep: this.incidents.sweep,
        ...(this.capacityScan ? { 'capacity-scan': this.capacityScan.handler } : {}),
      },
      logRetention,
      retryAttempts: RULE_RETRY_ATTEMPTS,
      maxEventAge: RULE_MAX_EVENT_AGE,
    });
    for (const fn of [this.taskStopped, this.rolloutWatch.handler, this.capacityScan?.handler]) {
      if (fn) this.memberAccess.grantLookups(fn);
    }
    this.opsTopic = this.ops.topic;
    if (props.alertEvents || props.chatChannels?.length || props.pagerDuty) {
      this.alertEvents = new AlertEvents(this, 'AlertEvents', {
        alertTopic: this.alertTopic,
        bus: props.alertEvents?.bus ?? events.EventBus.fromEventBusName(this, 'DefaultBus', 'default'),
        deadLetterQueue: this.deadLetterQueue,
      });
      const delivery = {
        bus: this.alertEvents.bus,
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: RULE_RETRY_ATTEMPTS,
        maxEventAge: RULE_MAX_EVENT_AGE,
      };
      if (props.chatChannels?.length) {
        this.chatChannels = new ChatChannels(this, 'ChatChannels', { channels: props.chatChannels, ...delivery });
      }
      if (props.pagerDuty) this.pagerDuty = new PagerDuty(this, 'PagerDuty', { ...props.pagerDuty, ...delivery });
    }
    // Every customer managed key of the watchdog (alert, ops and chat topics): retained unless asked otherwise.
    for (const construct of this.node.findAll()) {
      if (construct instanceof kms.Key) construct.applyRemovalPolicy(this.removalPolicy());
    }
    this.deadLetterAlarm = this.ops.deadLetterAlarm;
    this.invalidEventsAlarm = this.ops.invalidEventsAlarm;
    this.dashboard = new WatchdogDashboard(this, 'Dashboard', { deadLetterQueue: this.deadLetterQueue });
  }

  /** The removal policy of the state table and the keys (`removalPolicy`). */
  private removalPolicy(): RemovalPolicy {
    return this.settings.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
  }

  /** The watched clusters' ARNs, or undefined for all clusters. */
  private clusterArns(): string[] | undefined {
    return this.settings.clusters?.map((ref) => clusterArnOf(this, ref));
  }

  /**
   * Services of the watched clusters, for ecs:ListTagsForResource (the team tag), each with the way
   * cdk-nag prints it. Only long-format service ARNs (`service/CLUSTER/NAME`) matter: a service with a
   * short ARN cannot carry tags.
   */
  private servicePatterns(): { arn: string; nagArn: string }[] {
    const stack = Stack.of(this);
    const clusters = this.settings.clusters;
    const ofCluster = (name: string) => ({
      arn: stack.formatArn({ service: 'ecs', resource: 'service', resourceName: `${name}/*` }),
      nagArn: nagArn('ecs', `service/${name}/*`),
    });
    if (clusters === undefined) {
      return [
        {
          arn: stack.formatArn({ service: 'ecs', resource: 'service', resourceName: '*' }),
          nagArn: nagArn('ecs', 'service/*'),
        },
      ];
    }
    return clusters.map((ref) => {
      if (ref.kind === 'name') return ofCluster(ref.name);
      // arn:PARTITION:ecs:REGION:ACCOUNT:cluster/NAME → arn:PARTITION:ecs:REGION:ACCOUNT:service/NAME/*
      const arn = `${ref.arn.replace(/:cluster\//, ':service/')}/*`;
      return { arn, nagArn: arn };
    });
  }

  private taskStoppedHandler(logRetention: logs.RetentionDays): WatchdogFunction {
    const settings = this.settings;
    const handler = new WatchdogFunction(this, 'TaskStopped', {
      entry: handlerEntry('task-stopped'),
      lazyModules: LAZY_MODULES['task-stopped'],
      rolePath: CENTRAL_LOOKUP_ROLE_PATH,
      description: 'ECS Watchdog: classifies why an ECS task stopped and publishes the alert',
      logRetention,
      deadLetterQueue: this.deadLetterQueue,
      environment: {
        [RESOURCE_ENV.alertTopicArn]: this.alertTopic.topicArn,
        ...settingsEnvironment(settings, TASK_STOPPED_SETTINGS),
        ...this.incidents.environment,
      },
    });

    const stack = Stack.of(this);
    // Any region: a container's awslogs-region may differ from the watchdog's, and the reader follows it.
    const logStreams = stack.formatArn({
      service: 'logs',
      region: '*',
      resource: 'log-group',
      resourceName: '*:log-stream:*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const role = handler.role;
    const services = this.servicePatterns();
    // Publish the alert (grantPublish adds kms:Decrypt / kms:GenerateDataKey* on the topic key).
    this.alertTopic.grantPublish(role);
    this.incidents.grantIncidentTracking(role, { readsSeveral: true });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTaskDefinitions',
        actions: ['ecs:DescribeTaskDefinition'],
        resources: ['*'],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTeamTags',
        actions: ['ecs:ListTagsForResource'],
        // Services, and task definitions for standalone tasks (scheduled jobs) that have no service.
        resources: [
          ...services.map((service) => service.arn),
          stack.formatArn({ service: 'ecs', resource: 'task-definition', resourceName: '*' }),
        ],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadClusterSettings',
        actions: ['ecs:DescribeClusters'],
        resources: this.clusterArns() ?? [stack.formatArn({ service: 'ecs', resource: 'cluster', resourceName: '*' })],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadContainerLogs',
        actions: ['logs:GetLogEvents'],
        resources: [logStreams],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTaskMetrics',
        actions: ['cloudwatch:GetMetricData'],
        resources: ['*'],
      }),
    );

    const policy = role.node.findChild('DefaultPolicy');
    Validations.of(policy).acknowledge(
      TOPIC_KEY_GRANT_ACKNOWLEDGEMENT,
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'ecs:DescribeTaskDefinition and cloudwatch:GetMetricData do not support resource-level permissions ' +
          '(Service Authorization Reference: no resource type), so they need "*"; both are read-only.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:*:<AWS::AccountId>:log-group:*:log-stream:*]',
        reason:
          'logs:GetLogEvents reads the awslogs stream of the container that stopped; its log group (and awslogs-region) ' +
          'is chosen per task definition by each service team, so it cannot be known at deploy time. Read-only, ' +
          'limited to log streams of this account.',
      },
      ...(this.settings.clusters === undefined
        ? [
            {
              id: `AwsSolutions-IAM5[Resource::${nagArn('ecs', 'cluster/*')}]`,
              reason:
                'ecs:DescribeClusters reads whether Container Insights is on for the cluster of a task that ran out of ' +
                'memory; every cluster is watched when none is configured. Read-only, limited to ECS clusters.',
            },
          ]
        : []),
      {
        id: `AwsSolutions-IAM5[Resource::${nagArn('ecs', 'task-definition/*')}]`,
        reason:
          'ecs:ListTagsForResource reads the team tag of the task definition of a standalone task that stopped (a ' +
          'scheduled job has no service to carry it); any family can stop. Read-only, limited to task definitions.',
      },
      ...services.map((service) => ({
        id: `AwsSolutions-IAM5[Resource::${service.nagArn}]`,
        reason:
          'ecs:ListTagsForResource reads the team tag of the service whose task stopped, which can be any service ' +
          'of a watched cluster (every cluster when none is configured). Read-only, limited to ECS services.',
      })),
    );
    this.grantHealthCheckReads(role, services);
    return handler;
  }

  /**
   * What a health-check alert reads (README: health checks explained): the service's settings and events,
   * the target group, its targets' health and load balancers, and the security groups and subnets between
   * them. Separate statements, each for exactly the calls made.
   */
  private grantHealthCheckReads(role: iam.IRole, services: { arn: string; nagArn: string }[]): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadServiceHealthSettings',
        actions: ['ecs:DescribeServices'],
        resources: services.map((service) => service.arn),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadLoadBalancerHealth',
        actions: [
          'elasticloadbalancing:DescribeLoadBalancers',
          'elasticloadbalancing:DescribeTargetGroups',
          'elasticloadbalancing:DescribeTargetHealth',
        ],
        resources: ['*'],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadSecurityGroupRules',
        actions: ['ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets'],
        resources: ['*'],
      }),
    );
    Validations.of(role.node.findChild('DefaultPolicy')).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'elasticloadbalancing:Describe* and ec2:DescribeSecurityGroups / ec2:DescribeSubnets support no resource-level ' +
          'permissions (Service Authorization Reference: no resource type), so they need "*"; all are read-only and ' +
          'called only for tasks stopped by a failed health check.',
      },
      ...services.map((service) => ({
        id: `AwsSolutions-IAM5[Resource::${service.nagArn}]`,
        reason:
          'ecs:DescribeServices reads the grace period, load balancers, security groups and events of the service whose ' +
          'task failed a health check, which can be any service of a watched cluster. Read-only, limited to ECS services.',
      })),
    );
  }
}

/**
 * The EventBridge pattern for task stops worth a look.
 *
 * - `lastStatus: STOPPED` only: a stop announced early (desired STOPPED while still RUNNING, e.g. a Spot
 *   warning) is followed by the real STOPPED event, so it is left out.
 * - Routine stops are dropped: `stopCode: UserInitiated`, and a `stoppedReason` starting with
 *   "Scaling activity initiated by" (scale-in, or replacement during a deployment).
 * - An event pattern matches only if the event has every field the pattern names, so
 *   `anything-but` alone would also drop events that lack `stopCode` or `stoppedReason`. Each field is
 *   therefore "anything but X, or absent", and the two conditions are combined as the four cases of `$or`.
 */
/**
 * With `routine`, routine stops reach the function too, to be recorded in the history (README "History":
 * its cost for 1,000 tasks is in docs; the function classifies them and publishes nothing).
 */
export function taskStoppedPattern(
  clusterArns?: string[],
  accounts?: string[],
  options: { routine?: boolean } = {},
): events.EventPattern {
  const stopCode = [[{ 'anything-but': [USER_INITIATED_STOP_CODE] }], [{ exists: false }]];
  const stoppedReason = [[{ 'anything-but': { prefix: SCALING_ACTIVITY_REASON_PREFIX } }], [{ exists: false }]];
  const notRoutine = stopCode.flatMap((code) =>
    stoppedReason.map((reason) => ({ stopCode: code, stoppedReason: reason })),
  );
  return {
    source: ['aws.ecs'],
    ...(accounts ? { account: accounts } : {}),
    detailType: ['ECS Task State Change'],
    detail: {
      lastStatus: ['STOPPED'],
      ...(clusterArns ? { clusterArn: clusterArns } : {}),
      ...(options.routine ? {} : { $or: notRoutine }),
    },
  };
}
