/**
 * The incident store's contract (lambdas/domain/incidents/incident-store.ts), run against both
 * implementations: the DynamoDB adapter on the local emulator (conditional writes, transactions,
 * the sparse `due` index) and the in-memory store the unit tests and the fault suite use. What the
 * engine relies on holds for both, or the fault suite would prove nothing about production.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../lambdas/adapters/memory-incident-store';
import { StateStore } from '../../lambdas/adapters/state-store';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import {
  ClaimLostError,
  type IncidentStore,
  VersionConflictError,
} from '../../lambdas/domain/incidents/incident-store';
import { createStateResources } from '../../local/state-resources';
import { awsClientConfig, resetAws } from './aws';

let clock = Date.parse('2026-11-26T03:00:00Z');
const now = () => clock;
const iso = (ms = clock) => new Date(ms).toISOString();
let dynamodb: DynamoDBClient;
let table: string;

beforeAll(async () => {
  await resetAws();
  table = (await createStateResources(awsClientConfig(), { table: 'incident-store-contract' })).tableName;
  dynamodb = new DynamoDBClient(awsClientConfig());
});

afterAll(() => dynamodb.destroy());

let n = 0;
function alert(): Alert {
  n += 1;
  return {
    kind: 'TASK_STOPPED',
    category: 'OOM_KILLED',
    severity: 'HIGH',
    actionable: true,
    title: `alert ${n}`,
    summary: 's',
    account: '123456789012',
    region: 'us-east-1',
    evidence: { facts: [] },
    nextSteps: [],
    links: [],
    dedupeKey: `contract-${n}-${Math.random().toString(36).slice(2)}`,
    incidentId: 'incident/x',
    occurredAt: iso(),
    enrichmentErrors: [],
  };
}

const empty = { writes: [], newAlerts: [], release: [], drop: [] };

describe.each([
  ['DynamoDB (local emulator)', () => new StateStore(dynamodb, table, now) as IncidentStore],
  ['in memory', () => new MemoryIncidentStore(now) as IncidentStore],
])('incident store contract: %s', (_name, make) => {
  let store: IncidentStore;
  beforeAll(() => {
    store = make();
  });
  const key = () => `scope#contract/${Math.random().toString(36).slice(2)}`;

  it('writes a versioned item only at the version read, and reads several at once', async () => {
    const k = key();
    await store.put({ key: k, value: { a: 1 }, expectedVersion: 0, ttlSeconds: 60 });
    await expect(store.put({ key: k, value: { a: 2 }, expectedVersion: 0, ttlSeconds: 60 })).rejects.toBeInstanceOf(
      VersionConflictError,
    );
    await store.put({ key: k, value: { a: 2 }, expectedVersion: 1, ttlSeconds: 60 });
    expect(await store.get(k, {})).toEqual({ value: { a: 2 }, version: 2 });
    expect(await store.getMany([k, key()], undefined)).toEqual([
      { value: { a: 2 }, version: 2 },
      { value: undefined, version: 0 },
    ]);
  });

  it('commits all or nothing: a stale write leaves its alerts unwritten', async () => {
    const k = key();
    await store.put({ key: k, value: {}, expectedVersion: 0, ttlSeconds: 60 });
    const a = alert();
    const commit = {
      ...empty,
      now: iso(),
      writes: [{ key: k, value: { b: 1 }, expectedVersion: 0, ttlSeconds: 60 }],
      newAlerts: [{ alert: a, status: 'PENDING' as const }],
    };
    await expect(store.commit(commit)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await store.getAlert(a.dedupeKey)).toBeUndefined();
  });

  it('creates an alert once: a second commit of the same id skips it', async () => {
    const a = alert();
    expect(await store.commit({ ...empty, now: iso(), newAlerts: [{ alert: a, status: 'PENDING' }] })).toEqual({
      skipped: [],
    });
    const k = key();
    const again = await store.commit({
      ...empty,
      now: iso(),
      writes: [{ key: k, value: {}, expectedVersion: 0, ttlSeconds: 60 }],
      newAlerts: [{ alert: a, status: 'PENDING' }],
    });
    expect(again.skipped).toEqual([a.dedupeKey]);
    expect((await store.get(k, undefined)).version).toBe(1);
  });

  it('claims an event once for its life, remembering the alerts its commit queued', async () => {
    const eventId = `evt-${Math.random()}`;
    const claim = await store.claimEvent(eventId, 45);
    if (claim.status !== 'claimed') throw new Error('expected a claim');
    expect(await store.claimEvent(eventId, 45)).toEqual({ status: 'duplicate', alertIds: [] });
    const a = alert();
    await store.commit({
      ...empty,
      now: iso(),
      newAlerts: [{ alert: a, status: 'PENDING' }],
      completeEvent: { eventId, token: claim.token, alertIds: [a.dedupeKey] },
    });
    clock += 3600_000;
    expect(await store.claimEvent(eventId, 45)).toEqual({ status: 'duplicate', alertIds: [a.dedupeKey] });
  });

  it('gives a released or expired claim to the retry, and refuses the old holder its commit', async () => {
    const eventId = `evt-${Math.random()}`;
    const first = await store.claimEvent(eventId, 45);
    if (first.status !== 'claimed') throw new Error('expected a claim');
    await store.releaseEvent(eventId, first.token);
    const second = await store.claimEvent(eventId, 45);
    expect(second.status).toBe('claimed');
    await expect(
      store.commit({ ...empty, now: iso(), completeEvent: { eventId, token: first.token, alertIds: [] } }),
    ).rejects.toBeInstanceOf(ClaimLostError);
    clock += 46_000;
    expect((await store.claimEvent(eventId, 45)).status).toBe('claimed');
  });

  it('leases an alert to one publisher at a time, and says when the last attempt ended without a result', async () => {
    const a = alert();
    const id = a.dedupeKey;
    await store.commit({
      ...empty,
      now: iso(),
      newAlerts: [{ alert: a, status: 'PENDING', leaseUntil: iso(clock + 60_000) }],
    });
    expect(await store.leaseAlert(id, iso(), iso(clock + 60_000))).toBeUndefined();
    clock += 60_000;
    const taken = await store.leaseAlert(id, iso(), iso(clock + 60_000));
    expect(taken?.uncertain).toBe(true);
    expect(taken?.record.alert.title).toBe(a.title);
    await store.markFailed(id);
    expect((await store.leaseAlert(id, iso(), iso(clock + 60_000)))?.uncertain).toBe(false);
    await store.markDelivered(id, 60);
    clock += 120_000;
    expect(await store.leaseAlert(id, iso(), iso(clock + 60_000))).toBeUndefined();
    expect((await store.getAlert(id))?.status).toBe('DELIVERED');
  });

  it('stops after three attempts without a recorded result, then tries once an hour', async () => {
    const a = alert();
    const id = a.dedupeKey;
    await store.commit({ ...empty, now: iso(), newAlerts: [{ alert: a, status: 'PENDING' }] });
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(await store.leaseAlert(id, iso(), iso(clock + 60_000))).toBeDefined();
      clock += 61_000;
    }
    expect(await store.leaseAlert(id, iso(), iso(clock + 60_000))).toBeUndefined();
    clock += 3600_000;
    expect(await store.leaseAlert(id, iso(), iso(clock + 60_000))).toBeDefined();
  });

  it('finds waiting alerts and due incidents through the due index, oldest first, and not once delivered', async () => {
    const waiting = alert();
    const later = alert();
    const at = iso();
    await store.commit({ ...empty, now: at, newAlerts: [{ alert: waiting, status: 'PENDING' }] });
    await store.commit({ ...empty, now: iso(clock + 1000), newAlerts: [{ alert: later, status: 'PENDING' }] });
    const k = key();
    await store.put({ key: k, value: {}, expectedVersion: 0, ttlSeconds: 60, wakeAt: at });
    const dueAlerts = (await store.due('alert', at, 100)).map((d) => d.key);
    expect(dueAlerts).toContain(`alert#${waiting.dedupeKey}`);
    expect(dueAlerts).not.toContain(`alert#${later.dedupeKey}`);
    expect((await store.due('wake', at, 100)).map((d) => d.key)).toContain(k);
    await store.markDelivered(waiting.dedupeKey, 60);
    expect((await store.due('alert', at, 100)).map((d) => d.key)).not.toContain(`alert#${waiting.dedupeKey}`);
  });

  it('holds an alert out of the index until it is released, and drops it when told', async () => {
    const held = alert();
    const dropped = alert();
    await store.commit({
      ...empty,
      now: iso(),
      newAlerts: [
        { alert: held, status: 'HELD' },
        { alert: dropped, status: 'HELD' },
      ],
    });
    const far = iso(clock + 3600_000);
    expect((await store.due('alert', far, 100)).map((d) => d.key)).not.toContain(`alert#${held.dedupeKey}`);
    const released = await store.commit({
      ...empty,
      now: iso(),
      release: [{ alertId: held.dedupeKey }],
      drop: [dropped.dedupeKey],
    });
    expect(released.skipped).toEqual([]);
    expect((await store.due('alert', far, 100)).map((d) => d.key)).toContain(`alert#${held.dedupeKey}`);
    expect((await store.getAlert(dropped.dedupeKey))?.status).toBe('DROPPED');
    const twice = await store.commit({ ...empty, now: iso(), release: [{ alertId: held.dedupeKey }] });
    expect(twice.skipped).toEqual([held.dedupeKey]);
  });
});
