import { describe, expect, it } from 'vitest';
import {
  buildCapacityAlert,
  buildCapacityRecoveredAlert,
  CAPACITY_CATEGORIES,
} from '../../lambdas/domain/alerts/build-capacity-alert';
import { toSnsMessage } from '../../lambdas/domain/alerts/sns-message';
import { assessCapacity, type SubnetAssessment } from '../../lambdas/domain/capacity/capacity-assessment';
import {
  type CapacityState,
  decideCapacityIncidents,
  EMPTY_CAPACITY_STATE,
  stateChanged,
} from '../../lambdas/domain/capacity/capacity-incidents';
import { serviceFacts } from '../support/capacity';

const T1 = '2026-11-26T10:00:00.000Z';
const T2 = '2026-11-26T10:15:00.000Z';
const T3 = '2026-11-26T10:30:00.000Z';
const CONTEXT = { account: '123456789012', region: 'us-east-1' };

function subnetWith(available: number, bulkDesired: number): SubnetAssessment {
  const assessment = assessCapacity(
    [
      serviceFacts({
        service: 'bulk-service',
        desiredCount: bulkDesired,
        runningCount: 0,
        subnetIds: ['subnet-a'],
        tags: { team: 'data' },
      }),
      serviceFacts({ service: 'api', subnetIds: ['subnet-a'] }),
    ],
    [
      {
        subnetId: 'subnet-a',
        cidr: '10.0.0.0/24',
        availabilityZone: 'us-east-1a',
        availableAddresses: available,
        vpcId: 'vpc-1',
      },
    ],
    [],
    { freeIpThreshold: 25, teamTagKey: 'team' },
  );
  return assessment.subnets[0] as SubnetAssessment;
}

describe('one alert per subnet per incident', () => {
  it('opens an incident once, keeps it quiet while it lasts, and recovers it once', () => {
    const troubled = subnetWith(240, 130);
    const first = decideCapacityIncidents(EMPTY_CAPACITY_STATE, [troubled], { now: T1, ...CONTEXT });
    expect(first.opened.map((o) => o.assessment.subnetId)).toEqual(['subnet-a']);
    expect(first.ongoing).toEqual([]);
    const incident = first.next.incidents['subnet-a'];
    expect(incident).toMatchObject({
      incidentId: `capacity/subnet-a/${T1}`,
      openedAt: T1,
      servicesAtRisk: ['prod/bulk-service'],
    });

    const stored: CapacityState = { version: 1, incidents: first.next.incidents, stalls: {} };
    const second = decideCapacityIncidents(stored, [subnetWith(239, 130)], { now: T2, ...CONTEXT });
    expect(second.opened).toEqual([]);
    expect(second.ongoing.map((o) => o.incident.incidentId)).toEqual([`capacity/subnet-a/${T1}`]);
    expect(second.next.incidents['subnet-a']).toMatchObject({ openedAt: T1, lastSeenAt: T2, freeAddresses: 239 });

    const healthy = subnetWith(240, 10);
    const third = decideCapacityIncidents({ version: 2, incidents: second.next.incidents, stalls: {} }, [healthy], {
      now: T3,
      ...CONTEXT,
    });
    expect(third.recovered).toEqual([
      { incident: second.next.incidents['subnet-a'], reason: 'HEALTHY', assessment: healthy },
    ]);
    expect(third.next.incidents).toEqual({});
    expect(stateChanged({ version: 2, incidents: second.next.incidents, stalls: {} }, third.next)).toBe(true);
  });

  it('closes an incident whose subnet no awsvpc service uses any more', () => {
    const opened = decideCapacityIncidents(EMPTY_CAPACITY_STATE, [subnetWith(240, 130)], { now: T1, ...CONTEXT });
    const gone = decideCapacityIncidents({ version: 1, incidents: opened.next.incidents, stalls: {} }, [], { now: T2 });
    expect(gone.recovered.map((r) => [r.incident.subnetId, r.reason])).toEqual([['subnet-a', 'NO_LONGER_USED']]);
  });

  it('changes nothing for a healthy account', () => {
    const decision = decideCapacityIncidents(EMPTY_CAPACITY_STATE, [subnetWith(240, 10)], { now: T1 });
    expect(decision.opened).toEqual([]);
    expect(stateChanged(EMPTY_CAPACITY_STATE, decision.next)).toBe(false);
  });
});

describe('the CAPACITY alert', () => {
  const troubled = subnetWith(240, 130);
  const { opened } = decideCapacityIncidents(EMPTY_CAPACITY_STATE, [troubled], { now: T1, ...CONTEXT });
  const alert = buildCapacityAlert(troubled, opened[0]?.incident as never);

  it('names the subnet, the service at risk and the figures', () => {
    expect(alert).toMatchObject({
      kind: 'CAPACITY',
      category: CAPACITY_CATEGORIES.surge,
      severity: 'HIGH',
      actionable: true,
      account: '123456789012',
      region: 'us-east-1',
      cluster: 'prod',
      service: 'bulk-service',
      team: 'data',
      incidentId: `capacity/subnet-a/${T1}`,
      occurredAt: T1,
    });
    expect(alert.title).toBe('HIGH CAPACITY: subnet subnet-a - deployments need 262 addresses, 240 free');
    expect(alert.title.length).toBeLessThan(100);
    expect(alert.summary).toContain('bulk-service (prod)');
    expect(alert.summary).toContain('22 tasks could not be placed');
    const facts = Object.fromEntries(alert.evidence.facts.map((f) => [f.label, f.value]));
    expect(facts.CIDR).toBe('10.0.0.0/24: 251 usable addresses (AWS reserves 5)');
    expect(facts['Surge headroom']).toBe('-22');
    expect(facts['Service prod/bulk-service [at risk]']).toContain('surge +260 addresses here');
    expect(facts['Service prod/api']).toContain('surge +2');
  });

  it('gives the fix: larger subnets (/20 or bigger for ECS), more subnets', () => {
    expect(alert.nextSteps[0]).toContain('use a /20 or bigger for ECS');
    expect(alert.nextSteps[1]).toContain('add more subnets');
    expect(alert.nextSteps.join(' ')).toContain('maximumPercent');
    expect(alert.links[0]?.url).toContain('SubnetDetails:subnetId=subnet-a');
  });

  it('renders through the shared SNS message with CAPACITY attributes', () => {
    const message = toSnsMessage(alert);
    expect(message.attributes).toMatchObject({
      kind: 'CAPACITY',
      service: 'bulk-service',
      team: 'data',
      severity: 'HIGH',
    });
    expect(JSON.parse(JSON.parse(message.message).default).dedupeKey).toBe(`capacity:capacity/subnet-a/${T1}`);
  });

  it('is MEDIUM for few free addresses and CRITICAL for none', () => {
    const low = buildCapacityAlert(subnetWith(20, 0), opened[0]?.incident as never);
    expect(low.category).toBe(CAPACITY_CATEGORIES.lowFree);
    expect(low.severity).toBe('MEDIUM');
    expect(buildCapacityAlert(subnetWith(0, 0), opened[0]?.incident as never).severity).toBe('CRITICAL');
  });

  it('has a recovery notice for the same incident', () => {
    const recovered = buildCapacityRecoveredAlert(opened[0]?.incident as never, 'HEALTHY', T2, subnetWith(240, 10));
    expect(recovered).toMatchObject({
      kind: 'RECOVERED',
      category: CAPACITY_CATEGORIES.recovered,
      severity: 'INFO',
      actionable: false,
      incidentId: `capacity/subnet-a/${T1}`,
      occurredAt: T2,
    });
    expect(recovered.title).toContain('RECOVERED CAPACITY: subnet subnet-a');
  });
});
