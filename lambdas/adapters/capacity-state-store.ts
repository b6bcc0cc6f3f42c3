import type { CapacityState, CapacityStateStore, OpenCapacityIncident } from '../domain/capacity/capacity-incidents';
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

/**
 * The capacity scan's open incidents, as one versioned item of the watchdog's incident store
 * (`pk` = {@link CAPACITY_STATE_KEY}): one read and at most one write per scan whatever the number of
 * subnets. The write is conditional on the version read, so two overlapping scans cannot both open the
 * same incident (the loser fails, and its retry sees the winner's state). Each open incident is ~400
 * bytes. The scan writes it in the same commit as the alerts it queues ({@link write}).
 */
export class DynamoDbCapacityStateStore implements CapacityStateStore {
  constructor(
    private readonly store: IncidentStore,
    private readonly key = CAPACITY_STATE_KEY,
  ) {}

  async load(): Promise<CapacityState> {
    const { value, version } = await this.store.get<OpenIncidents>(this.key, {});
    return { version, incidents: value };
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
      value: state.incidents,
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
