import { describe, expect, it } from 'vitest';
import { batchCount, inBatches } from '../../lambdas/domain/capacity/batches';
import {
  assessCapacity,
  assessInstance,
  maximumPercentOf,
  subnetShares,
  surgeExtraTasks,
  surgeTaskCount,
  tasksInSubnet,
} from '../../lambdas/domain/capacity/capacity-assessment';
import { capacityMetricPoints } from '../../lambdas/domain/capacity/capacity-metrics';
import { trunkedTaskLimit } from '../../lambdas/domain/capacity/eni-trunking';
import type { SubnetFacts } from '../../lambdas/domain/capacity/facts';
import { prefixFor, prefixLength, usableAddresses } from '../../lambdas/domain/capacity/subnet-capacity';
import { instanceFacts as instance, serviceFacts as svc } from '../support/capacity';

describe('usable addresses (2^(32-prefix) - 5)', () => {
  it.each([
    ['10.0.0.0/24', 251],
    ['10.0.0.0/20', 4091],
    ['10.0.0.0/28', 11],
    ['10.0.0.0/26', 59],
    ['10.0.0.0/22', 1019],
    ['10.0.0.0/16', 65531],
  ])('%s → %i', (cidr, usable) => {
    expect(usableAddresses(cidr)).toBe(usable);
  });

  it('rejects what is not an IPv4 CIDR block', () => {
    expect(() => prefixLength('10.0.0.0')).toThrow('not an IPv4 CIDR block');
    expect(() => prefixLength('300.0.0.0/24')).toThrow();
    expect(() => prefixLength('2600:1f18::/56')).toThrow();
  });

  it('finds the prefix that holds a number of addresses', () => {
    expect(prefixFor(251)).toBe(24);
    expect(prefixFor(252)).toBe(23);
    expect(prefixFor(4091)).toBe(20);
    expect(prefixFor(1)).toBe(28);
  });
});

describe('the surge rule', () => {
  it('peaks at floor(desired × maximumPercent / 100) tasks, 200% by default', () => {
    expect(surgeTaskCount(4)).toBe(8);
    expect(surgeTaskCount(3, 150)).toBe(4); // 4.5 rounded down
    expect(surgeTaskCount(10, 100)).toBe(10);
    expect(surgeTaskCount(0, 200)).toBe(0);
  });

  it('needs addresses only for the tasks that do not hold one yet', () => {
    const service = svc({ desiredCount: 10, runningCount: 10, maximumPercent: 200 });
    expect(surgeExtraTasks(service)).toBe(10);
    expect(surgeExtraTasks({ ...service, runningCount: 8, pendingCount: 2 })).toBe(10);
    expect(surgeExtraTasks({ ...service, maximumPercent: 100 })).toBe(0);
    expect(surgeExtraTasks({ ...service, runningCount: 0 })).toBe(20);
  });

  it('surges a daemon to 100% unless it says otherwise, a replica service to 200%', () => {
    expect(maximumPercentOf(svc({ schedulingStrategy: 'DAEMON' }))).toBe(100);
    expect(maximumPercentOf(svc({ schedulingStrategy: 'DAEMON', maximumPercent: 150 }))).toBe(150);
    expect(maximumPercentOf(svc({}))).toBe(200);
  });

  it('spreads a service over Availability Zones first, then over its subnets within a zone', () => {
    const zones: Record<string, string> = { a1: 'a', a2: 'a', b1: 'b', c1: 'c' };
    const shares = subnetShares(['a1', 'a2', 'b1', 'c1'], (id) => zones[id]);
    expect(shares.get('a1')).toBeCloseTo(1 / 6);
    expect(shares.get('a2')).toBeCloseTo(1 / 6);
    expect(shares.get('b1')).toBeCloseTo(1 / 3);
    expect(shares.get('c1')).toBeCloseTo(1 / 3);
    expect(subnetShares(['x'], () => undefined).size).toBe(0);
  });

  it('rounds the tasks of a subnet up: 10 tasks over 3 zones put 4 in one of them', () => {
    expect(tasksInSubnet(10, 1 / 3)).toBe(4);
    expect(tasksInSubnet(9, 1 / 3)).toBe(3);
    expect(tasksInSubnet(0, 1)).toBe(0);
  });
});

describe('assessCapacity', () => {
  const subnets: SubnetFacts[] = [
    { subnetId: 'subnet-a', cidr: '10.0.0.0/24', availabilityZone: 'us-east-1a', availableAddresses: 240 },
    { subnetId: 'subnet-b', cidr: '10.0.1.0/24', availabilityZone: 'us-east-1b', availableAddresses: 240 },
    { subnetId: 'subnet-big', cidr: '10.0.16.0/20', availabilityZone: 'us-east-1a', availableAddresses: 4000 },
  ];

  it('computes free addresses, estimated tasks, surge demand and headroom per subnet', () => {
    const result = assessCapacity(
      [
        svc({ service: 'api', desiredCount: 10, runningCount: 10, subnetIds: ['subnet-a', 'subnet-b'] }),
        svc({ service: 'web', desiredCount: 4, runningCount: 4, subnetIds: ['subnet-a'], maximumPercent: 150 }),
      ],
      subnets,
      [],
      { freeIpThreshold: 25, teamTagKey: 'team' },
    );
    const a = result.subnets.find((s) => s.subnetId === 'subnet-a');
    expect(a).toMatchObject({
      usableAddresses: 251,
      freeAddresses: 240,
      usedAddresses: 11,
      estimatedTasks: 5 + 4,
      surgeDemand: 5 + 2,
      surgeHeadroom: 233,
      findings: [],
      servicesAtRisk: [],
    });
    expect(result.subnets.map((s) => s.subnetId).sort()).toEqual(['subnet-a', 'subnet-b']);
  });

  it('flags a subnet a single service surge would exhaust, naming that service', () => {
    const result = assessCapacity(
      [
        svc({ service: 'bulk', desiredCount: 130, runningCount: 0, subnetIds: ['subnet-a'] }),
        svc({ service: 'api', desiredCount: 4, runningCount: 4, subnetIds: ['subnet-a', 'subnet-b'] }),
      ],
      subnets,
      [],
      { freeIpThreshold: 25, teamTagKey: 'team' },
    );
    const [worst] = result.subnets;
    expect(worst?.subnetId).toBe('subnet-a');
    expect(worst?.surgeDemand).toBe(260 + 2);
    expect(worst?.surgeHeadroom).toBe(240 - 262);
    expect(worst?.findings).toEqual(['SURGE_EXCEEDS_FREE_ADDRESSES']);
    expect(worst?.servicesAtRisk.map((s) => s.service)).toEqual(['bulk']);
    expect(result.subnets.find((s) => s.subnetId === 'subnet-b')?.findings).toEqual([]);
  });

  it('names every surging service when each fits alone but not all together', () => {
    const result = assessCapacity(
      [
        svc({ service: 'one', desiredCount: 70, runningCount: 70, subnetIds: ['subnet-a'] }),
        svc({ service: 'two', desiredCount: 70, runningCount: 70, subnetIds: ['subnet-a'] }),
        svc({ service: 'idle', desiredCount: 0, runningCount: 0, subnetIds: ['subnet-a'] }),
      ],
      [{ ...(subnets[0] as SubnetFacts), availableAddresses: 100 }],
      [],
      { freeIpThreshold: 25, teamTagKey: 'team' },
    );
    expect(result.subnets[0]?.surgeHeadroom).toBe(-40);
    expect(result.subnets[0]?.servicesAtRisk.map((s) => s.service).sort()).toEqual(['one', 'two']);
  });

  it('flags free addresses below the threshold even when surges fit', () => {
    const result = assessCapacity(
      [svc({ service: 'small', desiredCount: 1, runningCount: 1, subnetIds: ['subnet-a'], maximumPercent: 100 })],
      [{ ...(subnets[0] as SubnetFacts), availableAddresses: 10 }],
      [],
      { freeIpThreshold: 25, teamTagKey: 'team' },
    );
    expect(result.subnets[0]?.findings).toEqual(['FREE_ADDRESSES_BELOW_THRESHOLD']);
    expect(result.subnets[0]?.servicesAtRisk.map((s) => s.service)).toEqual(['small']);
  });

  it('leaves out services without awsvpc subnets and reports subnets EC2 did not return', () => {
    const result = assessCapacity(
      [svc({ service: 'bridge', subnetIds: [] }), svc({ service: 'ghost', subnetIds: ['subnet-gone', 'subnet-a'] })],
      subnets,
      [],
      { freeIpThreshold: 25, teamTagKey: 'team' },
    );
    expect(result.subnets.map((s) => s.subnetId)).toEqual(['subnet-a']);
    expect(result.unknownSubnets).toEqual([{ subnetId: 'subnet-gone', services: ['prod/ghost'] }]);
  });

  it('publishes two figures per subnet and one per instance with a known limit', () => {
    const result = assessCapacity(
      [svc({ subnetIds: ['subnet-a'] })],
      subnets,
      [
        instance({}),
        instance({
          containerInstanceArn: 'arn:aws:ecs:us-east-1:1:container-instance/prod/b',
          maximumNetworkInterfaces: undefined,
        }),
      ],
      { freeIpThreshold: 25, teamTagKey: 'team' },
    );
    const points = capacityMetricPoints(result);
    expect(points.map((p) => `${p.name} ${JSON.stringify(p.dimensions)} ${p.value}`)).toEqual([
      'FreeIpAddresses {"SubnetId":"subnet-a"} 240',
      `SurgeHeadroom {"SubnetId":"subnet-a"} ${240 - 2}`,
      'FreeNetworkInterfaces {"ClusterName":"prod","ContainerInstanceId":"a"} 1',
    ]);
  });
});

describe('network interfaces of container instances', () => {
  it('without a trunk: the type limit minus the attached interfaces (primary included)', () => {
    expect(assessInstance(instance({ maximumNetworkInterfaces: 3, attachedNetworkInterfaces: 2 }))).toMatchObject({
      trunked: false,
      awsvpcTaskLimit: 2,
      interfacesInUse: 1,
      freeNetworkInterfaces: 1,
      estimated: false,
      remainingCpu: 3072,
    });
    expect(
      assessInstance(instance({ maximumNetworkInterfaces: 3, attachedNetworkInterfaces: 3 })).freeNetworkInterfaces,
    ).toBe(0);
  });

  it('with a trunk (ecs.awsvpc-trunk-id): the ENI trunking task limit minus the tasks on it', () => {
    const trunked = instance({
      attributes: { 'ecs.instance-type': 'm5.large', 'ecs.awsvpc-trunk-id': 'trunk-1' },
      runningTasks: 3,
      pendingTasks: 1,
    });
    expect(assessInstance(trunked)).toMatchObject({
      trunked: true,
      awsvpcTaskLimit: 10,
      interfacesInUse: 4,
      freeNetworkInterfaces: 6,
      estimated: true,
    });
  });

  it('reports an unknown limit instead of guessing', () => {
    const unknownType = instance({
      instanceType: 't3.micro',
      attributes: { 'ecs.awsvpc-trunk-id': 'trunk-1' },
    });
    expect(assessInstance(unknownType).freeNetworkInterfaces).toBeUndefined();
    expect(assessInstance(unknownType).note).toContain('not in the ENI trunking table');
  });

  it('knows the documented trunking limits', () => {
    expect(trunkedTaskLimit('c5.large')).toBe(10);
    expect(trunkedTaskLimit('m5.2xlarge')).toBe(40);
    expect(trunkedTaskLimit('c5.9xlarge')).toBe(60);
    expect(trunkedTaskLimit('m5.24xlarge')).toBe(120);
    expect(trunkedTaskLimit('m6i.8xlarge')).toBe(90);
    expect(trunkedTaskLimit('r6a.12xlarge')).toBe(120);
    expect(trunkedTaskLimit('m6g.medium')).toBe(4);
    expect(trunkedTaskLimit('x2gd.medium')).toBe(10);
    expect(trunkedTaskLimit('m5.metal')).toBeUndefined();
    expect(trunkedTaskLimit('t3.large')).toBeUndefined();
    expect(trunkedTaskLimit('m5.medium')).toBeUndefined();
  });
});

describe('batches', () => {
  it('splits at the API limit', () => {
    expect(inBatches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batchCount(50, 10)).toBe(5);
    expect(batchCount(51, 10)).toBe(6);
    expect(batchCount(0, 10)).toBe(0);
    expect(() => inBatches([1], 0)).toThrow();
  });
});
