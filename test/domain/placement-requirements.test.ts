import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { toTaskDefinitionFacts } from '../../lambdas/adapters/ecs-reader';
import { placementRequirements } from '../../lambdas/domain/rollouts/placement-requirements';

/** What a task asks of a host, from task definitions as DescribeTaskDefinition returns them. */
const requirements = (td: TaskDefinition) => placementRequirements(toTaskDefinitionFacts(td));

describe('placementRequirements', () => {
  it('takes the task-level size when there is one', () => {
    expect(
      requirements({
        networkMode: 'awsvpc',
        cpu: '512',
        memory: '1024',
        containerDefinitions: [
          { name: 'api', cpu: 256, memory: 512, portMappings: [{ containerPort: 8080, hostPort: 8080 }] },
        ],
      }),
    ).toEqual({ taskCpu: 512, taskMemoryMiB: 1024, hostPorts: [] });
  });

  it('sums the containers without one (EC2), the hard memory limit else the soft one', () => {
    expect(
      requirements({
        networkMode: 'bridge',
        containerDefinitions: [
          { name: 'api', cpu: 256, memory: 512 },
          { name: 'proxy', cpu: 128, memoryReservation: 64 },
        ],
      }),
    ).toEqual({ taskCpu: 384, taskMemoryMiB: 576, hostPorts: [] });
  });

  it('bridge: a non-zero host port is static, the container port itself included; 0 or none is dynamic', () => {
    expect(
      requirements({
        networkMode: 'bridge',
        containerDefinitions: [
          {
            name: 'web',
            portMappings: [
              { containerPort: 80, hostPort: 80, protocol: 'tcp' },
              { containerPort: 8443, hostPort: 443, protocol: 'tcp' },
              { containerPort: 9000, hostPort: 0, protocol: 'tcp' },
              { containerPort: 9100, protocol: 'tcp' },
            ],
          },
        ],
      }).hostPorts,
    ).toEqual([80, 443]);
  });

  it('host: every container port is bound on the instance; awsvpc: none', () => {
    const mappings = [{ containerPort: 8080, hostPort: 8080 }, { containerPort: 9090 }];
    expect(
      requirements({ networkMode: 'host', containerDefinitions: [{ name: 'a', portMappings: mappings }] }).hostPorts,
    ).toEqual([8080, 9090]);
    expect(
      requirements({ networkMode: 'awsvpc', containerDefinitions: [{ name: 'a', portMappings: mappings }] }).hostPorts,
    ).toEqual([]);
  });

  it('needs nothing it cannot know', () => {
    expect(placementRequirements(undefined)).toEqual({ hostPorts: [] });
  });
});
