import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Reads a fixture from events/ by its path relative to the repo root. */
export function loadEvent(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
}

type Detail = Record<string, unknown>;

/** A minimal, valid ECS Task State Change for focused tests; `detail` fields override. */
export function taskEvent(detail: Detail = {}, envelope: Detail = {}): Record<string, unknown> {
  return {
    version: '0',
    id: 'evt-0001',
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    account: '123456789012',
    time: '2026-11-26T03:00:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:ecs:us-east-1:123456789012:task/production/0123456789abcdef0123456789abcdef'],
    ...envelope,
    detail: {
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/production',
      taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/production/0123456789abcdef0123456789abcdef',
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api-service:42',
      group: 'service:api-service',
      startedBy: 'ecs-svc/1234567890123456789',
      launchType: 'FARGATE',
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      stoppedAt: '2026-11-26T03:00:00.000Z',
      containers: [{ name: 'api', exitCode: 1, lastStatus: 'STOPPED' }],
      ...detail,
    },
  };
}
