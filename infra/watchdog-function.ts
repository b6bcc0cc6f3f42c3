import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTION_TIMEOUT } from './config.js';
import { BUNDLE_HANDLER, BUNDLE_OPTIONS, bundleFlags, ESM_REQUIRE_BANNER, prebuiltBundle } from './lambda-bundling.js';

/** Repository root: handlers are found by entry path relative to it, never imported. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** Absolute path of a handler entry, e.g. `handlerEntry('task-stopped')` → `<root>/lambdas/entries/task-stopped.ts`. */
export function handlerEntry(name: string): string {
  return path.join(PROJECT_ROOT, 'lambdas', 'entries', `${name}.ts`);
}

export const SERVICE_NAME = 'ecs-watchdog';
export const METRICS_NAMESPACE = 'EcsWatchdog';

/** Async invocation policy of every handler: Lambda's own retries, then the dead-letter queue. */
export const ASYNC_RETRY_ATTEMPTS = 2;
export const ASYNC_MAX_EVENT_AGE = Duration.hours(6);

export interface WatchdogFunctionProps {
  /** Absolute path of the handler file; it must export `handler`. Use {@link handlerEntry}. */
  readonly entry: string;
  /** What the function does, shown in the Lambda console. */
  readonly description: string;
  /** Handler-specific environment, merged over the common Powertools and Node.js settings. */
  readonly environment?: Record<string, string>;
  /** Retention of the function's own log group. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Where failed asynchronous invocations go after the retries (an SQS dead-letter queue). Omit it for a
   * function invoked only through an SQS event source mapping: there the queue's redrive policy
   * dead-letters what fails, and an asynchronous invocation configuration would be dead code.
   */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * How long one invocation may run.
   *
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Modules of `lambdas/entries` the handler loads with `import()` on first use (`lambdas/entries/lazy-modules.ts`):
   * each is bundled into `<name>.mjs` next to the handler, so its dependencies cost other invocations nothing.
   */
  readonly lazyModules?: readonly string[];
  /**
   * IAM path of the execution role: the functions that look up member accounts have theirs on
   * `CENTRAL_LOOKUP_ROLE_PATH`, the one path the member roles trust.
   *
   * @default '/'
   */
  readonly rolePath?: string;
}

/**
 * The one place that makes a watchdog handler function: Node.js 24 on arm64, an ESM bundle with the
 * AWS SDK v3 inside, its own log group, Powertools settings, and failed async invocations sent to the DLQ
 * (when it has one).
 *
 * The execution role is explicit (not AWSLambdaBasicExecutionRole): it may write only to this
 * function's log group. Callers add exactly the permissions their handler uses to {@link role}.
 */
export class WatchdogFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: WatchdogFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ECS Watchdog ${id} function`,
      ...(props.rolePath ? { path: props.rolePath } : {}),
    });
    this.logGroup.grantWrite(this.role);

    const common = {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: props.timeout ?? FUNCTION_TIMEOUT,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      ...(props.deadLetterQueue && {
        retryAttempts: ASYNC_RETRY_ATTEMPTS,
        maxEventAge: ASYNC_MAX_EVENT_AGE,
        onFailure: sendOnlyDestination(props.deadLetterQueue),
      }),
    };
    // The installed package ships each handler prebuilt (scripts/lambda-bundles.ts); a checkout bundles its sources.
    const name = path.basename(props.entry, path.extname(props.entry));
    const prebuilt = prebuiltBundle(name);
    if (!prebuilt && !existsSync(props.entry)) {
      throw new Error(`EcsWatchdog: no bundle of the ${name} handler (the package was packed without npm run build)`);
    }
    this.function = prebuilt
      ? new lambda.Function(this, 'Function', {
          ...common,
          code: lambda.Code.fromAsset(prebuilt),
          handler: BUNDLE_HANDLER,
        })
      : new nodejs.NodejsFunction(this, 'Function', {
          ...common,
          entry: props.entry,
          handler: 'handler',
          depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
          projectRoot: PROJECT_ROOT,
          bundling: {
            format: nodejs.OutputFormat.ESM,
            target: BUNDLE_OPTIONS.target,
            minify: BUNDLE_OPTIONS.minify,
            sourceMap: BUNDLE_OPTIONS.sourcemap,
            sourcesContent: BUNDLE_OPTIONS.sourcesContent,
            mainFields: [...BUNDLE_OPTIONS.mainFields],
            banner: ESM_REQUIRE_BANNER,
            // Bundle everything, the AWS SDK v3 included: pinned versions, and faster cold starts (`npm run bench:bundle`).
            externalModules: [],
            ...(props.lazyModules?.length ? { commandHooks: lazyModuleBundling(props.lazyModules) } : {}),
          },
        });
  }
}

/**
 * An SQS on-failure destination granting only `sqs:SendMessage` (Lambda sends the failed invocation
 * record with the function's role); SqsDestination would also grant GetQueueAttributes and GetQueueUrl.
 */
function sendOnlyDestination(queue: sqs.IQueue): lambda.IDestination {
  return {
    bind: (_scope, fn) => {
      queue.grant(fn, 'sqs:SendMessage');
      return { destination: queue.queueArn };
    },
  };
}

/** After the handler's bundle: each lazy module bundled the same way into a file of its own. */
function lazyModuleBundling(names: readonly string[]): nodejs.ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) => {
      const esbuild = path.join(
        path.dirname(createRequire(path.join(PROJECT_ROOT, 'package.json')).resolve('esbuild/package.json')),
        'bin',
        'esbuild',
      );
      return names.map((name) =>
        [
          JSON.stringify(esbuild),
          JSON.stringify(path.join(inputDir, 'lambdas', 'entries', `${name}.ts`)),
          ...bundleFlags(),
          '--log-level=warning',
          `--outfile=${JSON.stringify(path.join(outputDir, `${name}.mjs`))}`,
        ].join(' '),
      );
    },
  };
}
