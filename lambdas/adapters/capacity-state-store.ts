import type { CapacityState, CapacityStateStore, OpenCapacityIncident } from '../domain/capacity/capacity-incidents';
import type { StallRecords } from '../domain/capacity/stall-incidents';
import { type IncidentStore, type ItemWrite, VersionConflictError } from '../domain/incidents/incident-store';

/** Key of the one item holding the capacity scan's open incidents (of the watchdog's own account and region). */
export const CAPACITY_STATE_KEY = 'capacity-scan#open-incidents';

/** The item of a member account and region's scan: each scanned apart, each with its own open incidents. */
export function capacityStateKey(where?: { account: string; region: string }): string {
  return where ? `${CAPACITY_STATE_KEY}#${where.account}#${where.region}` : CAPACITY_STATE_KEY;
}
/** The item expires this long after the last scan saved it: a removed watchdog leaves nothing behind. */
export const CAPACITY_STATE_TTL_SECONDS = 14 * 24 * 3600;

export class ConcurrentScanError extends Error {
  override readonly name = 'ConcurrentScanError';
}

type OpenIncidents = Record<string, OpenCapacityIncident>;

/** The item's value: the subnets' open incidents and the failures that send no event. */
interface StoredState {
  subnets: OpenIncidents;
  stalls: StallRecords;
}

/** An item written before the stalls were kept holds the subnets' incidents alone, keyed by subnet id. */
function fromItem(value: StoredState | OpenIncidents): StoredState {
  if ('subnets' in value && 'stalls' in value && typeof value.subnets === 'object') return value as StoredState;
  return { subnets: value as OpenIncidents, stalls: {} };
}

/**
 * The capacity scan's open incidents, as one versioned item of the watchdog's incident store
 * (`pk` = {@link CAPACITY_STATE_KEY}): one read and at most one write per scan whatever the number of
 * subnets and services. The write is conditional on the version read, so two overlapping scans cannot both open the
 * same incident (the loser fails, and its retry sees the winner's state). Each open subnet incident is
 * ~400 bytes, each failure that sends no event ~300 (pending or open). The scan writes it in the same commit as the alerts it queues ({@link write}).
 */
export class DynamoDbCapacityStateStore implements CapacityStateStore {
  constructor(
    private readonly store: IncidentStore,
    private readonly key = CAPACITY_STATE_KEY,
  ) {}

  async load(): Promise<CapacityState> {
    const { value, version } = await this.store.get<StoredState | OpenIncidents>(this.key, {});
    const stored = fromItem(value);
    return { version, incidents: stored.subnets, stalls: stored.stalls };
  }

  async save(state: CapacityState, previous: CapacityState): Promise<void> {
    try {
      await this.store.put(this.write(state, previous));
    } catch (error) {
      throw concurrent(error);
    }
  }

  /** The write that saves `state` over `previous`, for a commit that also queues alerts. */
  write(state: CapacityState, previous: CapacityState): ItemWrite {
    return {
      key: this.key,
      value: { subnets: state.incidents, stalls: state.stalls } satisfies StoredState,
      expectedVersion: previous.version,
      ttlSeconds: CAPACITY_STATE_TTL_SECONDS,
    };
  }
}

/** A conflicting write means another scan saved first. */
export function concurrent(error: unknown): unknown {
  if (error instanceof VersionConflictError) {
    return new ConcurrentScanError('another capacity scan saved its state first; this scan will be retried');
  }
  return error;
}
