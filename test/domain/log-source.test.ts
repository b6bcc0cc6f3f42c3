import { describe, expect, it } from 'vitest';
import {
  type ContainerDefinitionFacts,
  fireLensLine,
  logLocation,
  logSource,
} from '../../lambdas/domain/stops/task-definition';

const TASK_ID = 'b4e2d3c5f6a70819203b4c5d6e7f8091';
const TASK = { cluster: 'production', taskArn: `arn:aws:ecs:us-east-1:123456789012:task/production/${TASK_ID}` };

function container(logDriver: string, logOptions: Record<string, string> = {}): ContainerDefinitionFacts {
  return {
    name: 'web',
    essential: true,
    environmentKeys: [],
    secretNames: [],
    portMappings: [],
    logDriver,
    logOptions,
  };
}

/**
 * FireLens to CloudWatch Logs: the options are Fluent Bit's CloudWatch output settings (docs.fluentbit.io,
 * outputs/cloudwatch: log_group_name, log_stream_name, log_stream_prefix "to which the tag is appended",
 * log_stream_template, region); FireLens tags a container's records `<container>-firelens-<task id>`.
 */
describe('logSource', () => {
  it('reads awslogs streams as prefix/container/task-id', () => {
    const source = logSource(
      container('awslogs', {
        'awslogs-group': '/ecs/web',
        'awslogs-stream-prefix': 'ecs',
        'awslogs-region': 'eu-west-1',
      }),
      TASK_ID,
    );
    expect(source).toEqual({
      kind: 'awslogs',
      location: { logGroup: '/ecs/web', logStream: `ecs/web/${TASK_ID}`, region: 'eu-west-1' },
    });
  });

  it('follows FireLens to CloudWatch Logs: log_stream_prefix + the FireLens tag (cloudwatch_logs and cloudwatch)', () => {
    for (const Name of ['cloudwatch_logs', 'cloudwatch', 'CloudWatch_Logs']) {
      expect(
        logSource(
          container('awsfirelens', {
            Name,
            region: 'us-east-1',
            log_group_name: '/ecs/catalog-api',
            log_stream_prefix: 'catalog-',
          }),
          TASK_ID,
          TASK,
        ),
      ).toEqual({
        kind: 'firelens',
        location: { logGroup: '/ecs/catalog-api', logStream: `catalog-web-firelens-${TASK_ID}`, region: 'us-east-1' },
      });
    }
  });

  it('resolves stream names and templates made of the task’s own metadata', () => {
    const stream = (options: Record<string, string>) =>
      logLocation(container('awsfirelens', { name: 'cloudwatch', log_group_name: 'g', ...options }), TASK_ID, TASK)
        ?.logStream;
    expect(stream({ log_stream_name: 'web-fixed' })).toBe('web-fixed');
    // Go plugin `cloudwatch` templating.
    expect(stream({ log_stream_name: 'web/$(ecs_task_id)' })).toBe(`web/${TASK_ID}`);
    expect(stream({ log_stream_name: '$(ecs_cluster)-$(container_name)-$(tag)' })).toBe(
      `production-web-web-firelens-${TASK_ID}`,
    );
    // cloudwatch_logs record-accessor templates.
    expect(stream({ log_stream_template: '$ecs_task_id.$container_name' })).toBe(`${TASK_ID}.web`);
    // A record key only the running log router knows.
    expect(stream({ log_stream_name: '$(kubernetes_pod)' })).toBeUndefined();
  });

  it('says where the logs are when the watchdog cannot read them', () => {
    const note = (options: Record<string, string>) => {
      const source = logSource(container('awsfirelens', options), TASK_ID, TASK);
      return source.kind === 'elsewhere' ? source.note : source.kind;
    };
    expect(note({ Name: 'firehose', delivery_stream: 'logs' })).toBe(
      'web logs through FireLens to firehose, which the watchdog cannot read',
    );
    expect(note({})).toBe(
      "web logs through FireLens to the outputs of the log router's own configuration: read them there",
    );
    expect(note({ Name: 'cloudwatch_logs', log_group_template: '$ecs_cluster', log_group_name: 'fallback' })).toBe(
      'web logs through FireLens to CloudWatch Logs in a log group named by the log router at run time',
    );
    expect(note({ Name: 'cloudwatch_logs', log_group_name: '/ecs/web', log_stream_template: '$pod' })).toBe(
      'web logs through FireLens to /ecs/web; its stream name ($pod) cannot be resolved: open the log group',
    );
    expect(note({ Name: 'cloudwatch_logs', log_group_name: '/ecs/web' })).toBe(
      'web logs through FireLens to /ecs/web; its stream name (unset) cannot be resolved: open the log group',
    );
  });
});

describe('fireLensLine', () => {
  it('shows the log line of a FireLens record, and any other line as written', () => {
    expect(fireLensLine('{"container_name":"web","source":"stdout","log":"GET /healthz 404\\n"}')).toBe(
      'GET /healthz 404',
    );
    expect(fireLensLine('{"level":"info","msg":"no log key"}')).toBe('{"level":"info","msg":"no log key"}');
    expect(fireLensLine('{not json')).toBe('{not json');
    expect(fireLensLine('plain text')).toBe('plain text');
  });
});
