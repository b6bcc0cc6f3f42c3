import { describe, expect, it } from 'vitest';
import { assessInstance } from '../../lambdas/domain/capacity/capacity-assessment';
import { taskEniCapacity } from '../../lambdas/domain/capacity/task-enis';
import { diagnosePlacement, type PlacementFacts } from '../../lambdas/domain/rollouts/placement-diagnosis';
import { instanceFacts } from '../support/capacity';

/**
 * The capacity scan and the placement diagnosis read one model of a container instance and count its
 * free task network interfaces with one function, so they cannot contradict each other.
 */

const awsvpcOnEc2: PlacementFacts = {
  tasksToPlace: 1,
  networkMode: 'awsvpc',
  launchType: 'EC2',
  capacityProviders: [],
  hostPorts: [],
  placementConstraints: [],
};

describe('one capacity model for the scan and the placement diagnosis', () => {
  // An m5.large allows 3 network interfaces; with ENI trunking it holds 10 awsvpc tasks (ECS developer guide).
  const trunked = instanceFacts({
    instanceType: 'm5.large',
    attributes: { 'ecs.instance-type': 'm5.large', 'ecs.awsvpc-trunk-id': 'eni-trunk-1' },
    maximumNetworkInterfaces: 3,
    attachedNetworkInterfaces: undefined,
    runningTasks: 5,
    pendingTasks: 0,
  });

  it('regression: a trunked instance with 3 ENIs and 5 tasks has 5 free in both', () => {
    expect(assessInstance(trunked).freeNetworkInterfaces).toBe(5);
    const diagnosis = diagnosePlacement({ ...awsvpcOnEc2, containerInstances: [trunked] }, 'RESOURCE:ENI');
    const eni = diagnosis.checks.find((c) => c.check === 'INSTANCE_ENIS');
    expect(eni).toMatchObject({ status: 'OK', detail: '5 free task network interfaces across 1 instances' });
    expect(diagnosis.failing?.check).not.toBe('INSTANCE_ENIS');
    expect(JSON.stringify(diagnosis)).not.toContain('awsvpcTrunking');
  });

  it('agrees on every instance shape: trunked or not, attachments known or not', () => {
    const shapes = [
      trunked,
      { ...trunked, runningTasks: 10 },
      instanceFacts({ maximumNetworkInterfaces: 3, attachedNetworkInterfaces: 3, runningTasks: 2 }),
      instanceFacts({ maximumNetworkInterfaces: 4, attachedNetworkInterfaces: 2, runningTasks: 3 }),
      instanceFacts({ maximumNetworkInterfaces: 3, attachedNetworkInterfaces: undefined, runningTasks: 1 }),
      instanceFacts({ instanceType: 't3.micro', attributes: { 'ecs.awsvpc-trunk-id': 'x' }, runningTasks: 1 }),
    ];
    for (const instance of shapes) {
      const scan = assessInstance(instance).freeNetworkInterfaces;
      const check = diagnosePlacement({ ...awsvpcOnEc2, containerInstances: [instance] }, 'UNKNOWN').checks.find(
        (c) => c.check === 'INSTANCE_ENIS',
      );
      expect(scan).toBe(taskEniCapacity(instance).free);
      if (scan === undefined) expect(check?.status).toBe('SKIPPED');
      else expect(check?.status, JSON.stringify(instance)).toBe(scan === 0 ? 'FAIL' : 'OK');
    }
  });

  it('suggests ENI trunking only for an untrunked instance whose type supports it', () => {
    const full = instanceFacts({ maximumNetworkInterfaces: 3, attachedNetworkInterfaces: 3 });
    const untrunked = diagnosePlacement({ ...awsvpcOnEc2, containerInstances: [full] }, 'RESOURCE:ENI');
    expect(untrunked.failing?.detail).toBe(
      'no container instance has a free network interface for a task: e.g. i-1 (m5.large) allows 3 network ' +
        'interfaces: 1 primary + 2 for tasks (turn on the awsvpcTrunking account setting and replace the ' +
        'instances, or use larger instances)',
    );
    const t3 = instanceFacts({
      instanceType: 't3.medium',
      attributes: { 'ecs.instance-type': 't3.medium' },
      maximumNetworkInterfaces: 3,
      attachedNetworkInterfaces: 3,
    });
    expect(diagnosePlacement({ ...awsvpcOnEc2, containerInstances: [t3] }, 'RESOURCE:ENI').failing?.detail).toContain(
      '(use larger instances or add instances)',
    );
    const trunkFull = diagnosePlacement(
      { ...awsvpcOnEc2, containerInstances: [{ ...trunked, runningTasks: 10 }] },
      'RESOURCE:ENI',
    );
    expect(trunkFull.failing?.detail).toBe(
      'no container instance has a free network interface for a task: e.g. i-1 (m5.large, ENI trunking) holds at ' +
        'most 10 awsvpc tasks and has 10 tasks (use larger instances or add instances)',
    );
  });
});
