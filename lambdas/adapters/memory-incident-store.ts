import { alertIdOf } from '../domain/alerts/alert';
import {
  type AlertRecord,
  ClaimLostError,
  type ClaimResult,
  type Commit,
  type CommitResult,
  type DueItem,
  type DueKind,
  type IncidentStore,
  ItemTooLargeError,
  type ItemWrite,
  type SilenceMark,
  VersionConflictError,
  type Versioned,
} from '../domain/incidents/incident-store';
import {
  alertKey,
  CLAIM_TTL_SECONDS,
  eventKey,
  HELD_TTL_SECONDS,
  MAX_UNRECORDED_ATTEMPTS,
  SILENCED_TTL_SECONDS,
  UNRECORDED_RETRY_MS,
} from '../domain/incidents/keys';

/** Every call of the port, by name: where a test or the fault suite injects a fault. */
export type StoreOperation =
  | 'get'
  | 'getMany'
  | 'put'
  | 'commit'
  | 'claimEvent'
  | 'releaseEvent'
  | 'leaseAlert'
  | 'markDelivered'
  | 'markFailed'
  | 'getAlert'
  | 'settleSilenced'
  | 'rescheduleSilenced'
  | 'due';

/**
 * Called around every operation: `before` may throw (throttling, a conflict, "too large", the
 * invocation dying before the call), `after` may throw once the call took effect (dying after it).
 */
export interface StoreHooks {
  before?(operation: StoreOperation): void;
  after?(operation: StoreOperation): void;
}

interface Stored {
  pk: string;
  /** The item as DynamoDB would hold it (attribute names and values): its size is measured on this. */
  attributes: Record<string, string | number>;
}

/** DynamoDB's item size limit. */
export const DYNAMODB_ITEM_LIMIT = 400 * 1024;

/**
 * The incident store in memory, with DynamoDB's semantics where the engine relies on them: conditional
 * writes, all-or-nothing commits, claims with leases, the sparse `due` index, the 400 KB item limit.
 * For unit tests and the fault suite (`npm run bench:faults`); {@link StoreHooks} inject faults at
 * every step. It records the largest item ever written ({@link maxItemBytes}).
 */
export class MemoryIncidentStore implements IncidentStore {
  private readonly items = new Map<string, Stored>();
  maxItemBytes = 0;
  maxItemKey = '';
  /** The largest item other than an alert. */
  maxStateItemBytes = 0;
  /** A lower size limit for alert items than DynamoDB's, to inject "item too large" (an alert too big to keep). */
  alertItemLimit?: number;

  constructor(
    private readonly now: () => number = Date.now,
    public hooks: StoreHooks = {},
  ) {}

  async get<T>(key: string, fallback: T): Promise<Versioned<T>> {
    return this.call('get', () => this.versioned(key, fallback));
  }

  async getMany<T>(keys: string[], fallback: T): Promise<Versioned<T>[]> {
    return this.call('getMany', () => keys.map((key) => this.versioned(key, fallback)));
  }

  async put(write: ItemWrite): Promise<void> {
    return this.call('put', () => {
      this.checkVersion(write);
      this.store(this.versionedItem(write));
    });
  }

  async commit(commit: Commit): Promise<CommitResult> {
    return this.call('commit', () => {
      // All conditions first, then all writes: nothing is applied unless everything may be.
      for (const write of commit.writes) this.checkVersion(write);
      const done = commit.completeEvent;
      if (done && this.items.get(eventKey(done.eventId))?.attributes.token !== done.token)
        throw new ClaimLostError(`${done.eventId}: the claim is no longer ours`);
      const skipped: string[] = [];
      const staged: Stored[] = commit.writes.map((w) => this.versionedItem(w));
      for (const { alert, status, leaseUntil, silence } of commit.newAlerts) {
        const alertId = alertIdOf(alert);
        if (this.items.has(alertKey(alertId))) {
          skipped.push(alertId);
          continue;
        }
        staged.push({
          pk: alertKey(alertId),
          attributes: {
            status,
            alert: JSON.stringify(alert),
            queuedAt: commit.now,
            attempts: leaseUntil ? 1 : 0,
            ...(leaseUntil ? { leaseUntil, unrecorded: 1 } : {}),
            ...(status === 'PENDING'
              ? { due: 'alert', dueAt: commit.now }
              : status === 'SILENCED' && silence
                ? silencedAttributes(silence)
                : { expiresAt: this.epochSeconds() + HELD_TTL_SECONDS }),
          },
        });
      }
      for (const { alertId, leaseUntil } of commit.release) {
        const held = this.items.get(alertKey(alertId));
        if (held?.attributes.status !== 'HELD') {
          skipped.push(alertId);
          continue;
        }
        const { expiresAt: _expires, ...rest } = held.attributes;
        staged.push({
          pk: held.pk,
          attributes: {
            ...rest,
            status: 'PENDING',
            queuedAt: commit.now,
            due: 'alert',
            dueAt: commit.now,
            ...(leaseUntil ? { leaseUntil, unrecorded: 1, attempts: Number(rest.attempts ?? 0) + 1 } : {}),
          },
        });
      }
      for (const alertId of commit.drop) {
        const held = this.items.get(alertKey(alertId));
        if (held?.attributes.status !== 'HELD') skipped.push(alertId);
        else staged.push({ pk: held.pk, attributes: { ...held.attributes, status: 'DROPPED' } });
      }
      for (const { alertId, mark } of commit.silence ?? []) {
        const held = this.items.get(alertKey(alertId));
        if (held?.attributes.status !== 'HELD') skipped.push(alertId);
        else
          staged.push({
            pk: held.pk,
            attributes: { ...held.attributes, status: 'SILENCED', ...silencedAttributes(mark) },
          });
      }
      if (done) {
        const claim = this.items.get(eventKey(done.eventId)) as Stored;
        const { leaseUntil: _lease, ...rest } = claim.attributes;
        staged.push({ pk: claim.pk, attributes: { ...rest, status: 'DONE', alertIds: JSON.stringify(done.alertIds) } });
      }
      for (const item of staged) this.checkSize(item);
      for (const item of staged) this.store(item);
      return { skipped };
    });
  }

  async claimEvent(eventId: string, leaseSeconds: number): Promise<ClaimResult> {
    return this.call('claimEvent', () => {
      const now = this.epochSeconds();
      const existing = this.items.get(eventKey(eventId));
      const lease = Number(existing?.attributes.leaseUntil ?? 0);
      if (existing && !(existing.attributes.status === 'IN_PROGRESS' && lease < now)) {
        const ids = existing.attributes.alertIds;
        return { status: 'duplicate' as const, alertIds: typeof ids === 'string' ? (JSON.parse(ids) as string[]) : [] };
      }
      const token = `${now}-${Math.random().toString(36).slice(2, 10)}`;
      this.store({
        pk: eventKey(eventId),
        attributes: {
          status: 'IN_PROGRESS',
          token,
          leaseUntil: now + leaseSeconds,
          expiresAt: now + CLAIM_TTL_SECONDS,
        },
      });
      return { status: 'claimed' as const, token };
    });
  }

  async releaseEvent(eventId: string, token: string): Promise<void> {
    return this.call('releaseEvent', () => {
      const claim = this.items.get(eventKey(eventId));
      if (claim?.attributes.status === 'IN_PROGRESS' && claim.attributes.token === token)
        this.store({ pk: claim.pk, attributes: { ...claim.attributes, leaseUntil: 0 } });
    });
  }

  async leaseAlert(alertId: string, now: string, leaseUntil: string) {
    return this.call('leaseAlert', () => {
      const item = this.items.get(alertKey(alertId));
      if (item?.attributes.status !== 'PENDING') return undefined;
      const previous = item.attributes.leaseUntil;
      if (typeof previous === 'string' && previous > now) return undefined;
      const unrecorded = Number(item.attributes.unrecorded ?? 0);
      const slow = new Date(Date.parse(now) - UNRECORDED_RETRY_MS).toISOString();
      if (unrecorded >= MAX_UNRECORDED_ATTEMPTS && !(typeof previous === 'string' && previous <= slow))
        return undefined;
      const attempts = Number(item.attributes.attempts ?? 0) + 1;
      const attributes = { ...item.attributes, leaseUntil, attempts, unrecorded: unrecorded + 1 };
      this.store({ pk: item.pk, attributes });
      return { record: record(attributes), uncertain: typeof previous === 'string' };
    });
  }

  async markDelivered(alertId: string, ttlSeconds: number): Promise<void> {
    return this.call('markDelivered', () => {
      const item = this.items.get(alertKey(alertId));
      if (!item) return;
      const { leaseUntil: _l, due: _d, dueAt: _a, unrecorded: _u, ...rest } = item.attributes;
      this.store({
        pk: item.pk,
        attributes: { ...rest, status: 'DELIVERED', expiresAt: this.epochSeconds() + ttlSeconds },
      });
    });
  }

  async markFailed(alertId: string): Promise<void> {
    return this.call('markFailed', () => {
      const item = this.items.get(alertKey(alertId));
      if (item?.attributes.status !== 'PENDING') return;
      const { leaseUntil: _l, ...rest } = item.attributes;
      this.store({ pk: item.pk, attributes: { ...rest, unrecorded: 0 } });
    });
  }

  async settleSilenced(alertId: string, ttlSeconds: number): Promise<void> {
    return this.call('settleSilenced', () => {
      const item = this.items.get(alertKey(alertId));
      if (item?.attributes.status !== 'SILENCED') return;
      const { due: _d, dueAt: _a, ...rest } = item.attributes;
      this.store({ pk: item.pk, attributes: { ...rest, expiresAt: this.epochSeconds() + ttlSeconds } });
    });
  }

  async rescheduleSilenced(alertId: string, dueAt: string): Promise<void> {
    return this.call('rescheduleSilenced', () => {
      const item = this.items.get(alertKey(alertId));
      if (item?.attributes.status !== 'SILENCED' || item.attributes.due === undefined) return;
      this.store({ pk: item.pk, attributes: { ...item.attributes, dueAt } });
    });
  }

  async getAlert(alertId: string): Promise<AlertRecord | undefined> {
    return this.call('getAlert', () => {
      const item = this.items.get(alertKey(alertId));
      return item?.attributes.alert ? record(item.attributes) : undefined;
    });
  }

  async due(kind: DueKind, before: string, limit: number): Promise<DueItem[]> {
    return this.call('due', () =>
      [...this.items.values()]
        .filter((i) => i.attributes.due === kind && String(i.attributes.dueAt) <= before)
        .map((i) => ({ key: i.pk, at: String(i.attributes.dueAt) }))
        .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
        .slice(0, limit),
    );
  }

  /** Alerts by status: what the fault suite checks at the end (nothing may be left PENDING or HELD). */
  alerts(status?: string): AlertRecord[] {
    return [...this.items.values()]
      .filter((i) => typeof i.attributes.alert === 'string' && (!status || i.attributes.status === status))
      .map((i) => record(i.attributes));
  }

  /** An alert's status, read without a call (the fault suite's bookkeeping, never a fault step). */
  statusOf(alertId: string): string | undefined {
    const status = this.items.get(alertKey(alertId))?.attributes.status;
    return typeof status === 'string' ? status : undefined;
  }

  /** The JSON value of a versioned item, for assertions. */
  peek<T>(key: string): T | undefined {
    const state = this.items.get(key)?.attributes.state;
    return typeof state === 'string' ? (JSON.parse(state) as T) : undefined;
  }

  private async call<T>(operation: StoreOperation, apply: () => T): Promise<T> {
    this.hooks.before?.(operation);
    const result = apply();
    this.hooks.after?.(operation);
    return result;
  }

  private versioned<T>(key: string, fallback: T): Versioned<T> {
    const item = this.items.get(key);
    if (typeof item?.attributes.state !== 'string') return { value: fallback, version: 0 };
    return { value: JSON.parse(item.attributes.state) as T, version: Number(item.attributes.version) };
  }

  private checkVersion(write: ItemWrite): void {
    const current = Number(this.items.get(write.key)?.attributes.version ?? 0);
    if (current !== write.expectedVersion) throw new VersionConflictError(`${write.key} changed since it was read`);
  }

  private versionedItem(write: ItemWrite): Stored {
    return {
      pk: write.key,
      attributes: {
        version: write.expectedVersion + 1,
        state: JSON.stringify(write.value),
        expiresAt: this.epochSeconds() + write.ttlSeconds,
        ...(write.wakeAt ? { due: 'wake', dueAt: write.wakeAt } : {}),
      },
    };
  }

  private checkSize(item: Stored): void {
    const bytes = itemBytes(item);
    const limit = item.pk.startsWith('alert#') ? (this.alertItemLimit ?? DYNAMODB_ITEM_LIMIT) : DYNAMODB_ITEM_LIMIT;
    if (bytes > Math.min(DYNAMODB_ITEM_LIMIT, limit)) {
      const alertId = item.pk.startsWith('alert#') ? item.pk.slice('alert#'.length) : undefined;
      throw new ItemTooLargeError(
        `Item size has exceeded the maximum allowed size (${item.pk}: ${bytes} bytes)`,
        alertId,
      );
    }
  }

  private store(item: Stored): void {
    this.checkSize(item);
    const bytes = itemBytes(item);
    if (!item.pk.startsWith('alert#')) this.maxStateItemBytes = Math.max(this.maxStateItemBytes, bytes);
    if (bytes > this.maxItemBytes) {
      this.maxItemBytes = bytes;
      this.maxItemKey = item.pk;
    }
    this.items.set(item.pk, item);
  }

  private epochSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}

/** DynamoDB's measure: the UTF-8 bytes of every attribute name and value, the key included. */
export function itemBytes(item: Stored): number {
  const utf8 = (text: string) => new TextEncoder().encode(text).length;
  let bytes = utf8('pk') + utf8(item.pk);
  for (const [name, value] of Object.entries(item.attributes)) bytes += utf8(name) + utf8(String(value));
  return bytes;
}

function record(attributes: Stored['attributes']): AlertRecord {
  const alert = JSON.parse(String(attributes.alert));
  return {
    alertId: alertIdOf(alert),
    status: attributes.status as AlertRecord['status'],
    alert,
    queuedAt: String(attributes.queuedAt),
    leaseUntil: typeof attributes.leaseUntil === 'string' ? attributes.leaseUntil : undefined,
    attempts: Number(attributes.attempts ?? 0),
    ...(typeof attributes.silence === 'string' ? { silence: JSON.parse(attributes.silence) as SilenceMark } : {}),
  };
}

function silencedAttributes(mark: SilenceMark) {
  return {
    silence: JSON.stringify(mark),
    due: 'silenced',
    dueAt: mark.endsAt,
    expiresAt: Math.floor(Date.parse(mark.endsAt) / 1000) + SILENCED_TTL_SECONDS,
  };
}
