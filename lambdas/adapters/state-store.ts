import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type Alert, alertIdOf } from '../domain/alerts/alert';
import {
  type AlertRecord,
  type AlertStatus,
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
  DUE_AT_ATTRIBUTE,
  DUE_ATTRIBUTE,
  DUE_INDEX,
  eventKey,
  HELD_TTL_SECONDS,
  MAX_UNRECORDED_ATTEMPTS,
  SILENCED_TTL_SECONDS,
  UNRECORDED_RETRY_MS,
} from '../domain/incidents/keys';

export { VersionConflictError, type Versioned } from '../domain/incidents/incident-store';

type Item = Record<string, AttributeValue>;
const BATCH_GET_LIMIT = 100;

/**
 * The incident store on one DynamoDB table keyed by `pk` (README "Delivery"): versioned JSON items,
 * event claims and the outbox's alert items, every item with `expiresAt` for the table's TTL except
 * alerts still to deliver. Items the sweep must find carry `due`/`dueAt`, the keys of a sparse index.
 */
export class StateStore implements IncidentStore {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async get<T>(key: string, fallback: T): Promise<Versioned<T>> {
    const out = await this.dynamodb.send(
      new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: key } }, ConsistentRead: true }),
    );
    return versioned(out.Item, fallback);
  }

  async getMany<T>(keys: string[], fallback: T): Promise<Versioned<T>[]> {
    const found = new Map<string, Item>();
    for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
      let request: Record<string, { Keys: Item[]; ConsistentRead: boolean }> | undefined = {
        [this.tableName]: {
          Keys: keys.slice(i, i + BATCH_GET_LIMIT).map((k) => ({ pk: { S: k } })),
          ConsistentRead: true,
        },
      };
      for (let round = 0; request && round < 5; round++) {
        const out: BatchGetItemCommandOutput = await this.dynamodb.send(
          new BatchGetItemCommand({ RequestItems: request }),
        );
        for (const item of out.Responses?.[this.tableName] ?? []) found.set(item.pk?.S ?? '', item);
        const left: Item[] | undefined = out.UnprocessedKeys?.[this.tableName]?.Keys;
        request = left?.length ? { [this.tableName]: { Keys: left, ConsistentRead: true } } : undefined;
      }
      if (request) throw new Error('BatchGetItem left keys unprocessed after 5 rounds (throttled)');
    }
    return keys.map((key) => versioned(found.get(key), fallback));
  }

  async put(write: ItemWrite): Promise<void> {
    await this.single({ Put: { TableName: this.tableName, ...this.versionedPut(write) } }, true);
  }

  async commit(commit: Commit): Promise<CommitResult> {
    const skipped: string[] = [];
    let pending = commit;
    // At most twice: a cancelled transaction names the alerts already known; the second try leaves them out.
    for (let round = 0; round < 2; round++) {
      const { items, roles } = this.transactItems(pending);
      if (items.length === 0) return { skipped };
      if (items.length === 1 && roles[0]?.kind !== 'alert') {
        await this.single(items[0] as TransactWriteItem, roles[0]?.kind === 'write');
        return { skipped };
      }
      try {
        await this.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: items }));
        return { skipped };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw tooLarge(error) ?? error;
        const known = new Set<string>();
        (error.CancellationReasons ?? []).forEach((reason, i) => {
          const role = roles[i];
          if (!role || !reason.Code || reason.Code === 'None') return;
          if (reason.Code === 'TransactionConflict')
            throw new VersionConflictError(`${role.key}: transaction conflict`);
          if (reason.Code === 'ValidationError' && /size/i.test(reason.Message ?? ''))
            throw new ItemTooLargeError(reason.Message ?? 'item too large', role.alertId);
          if (reason.Code !== 'ConditionalCheckFailed') throw error;
          if (role.kind === 'write') throw new VersionConflictError(`${role.key} changed since it was read`);
          if (role.kind === 'claim') throw new ClaimLostError(`${role.key}: the claim is no longer ours`);
          if (role.alertId) known.add(role.alertId);
        });
        if (known.size === 0) throw error;
        skipped.push(...known);
        pending = {
          ...pending,
          newAlerts: pending.newAlerts.filter((a) => !known.has(alertIdOf(a.alert))),
          release: pending.release.filter((r) => !known.has(r.alertId)),
          drop: pending.drop.filter((id) => !known.has(id)),
          silence: pending.silence?.filter((s) => !known.has(s.alertId)),
        };
      }
    }
    throw new Error('commit: alerts kept conflicting');
  }

  /** A commit of one write or one claim: a plain request, half the cost of a transaction of one. */
  private async single(item: TransactWriteItem, isWrite: boolean): Promise<void> {
    try {
      if (item.Put) await this.dynamodb.send(new PutItemCommand(item.Put));
      else if (item.Update)
        await this.dynamodb.send(
          new UpdateItemCommand({ ...item.Update, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
        );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw tooLarge(error) ?? error;
      if (isWrite) throw new VersionConflictError('the item changed since it was read');
      throw new ClaimLostError(
        `the claim is no longer ours: ${JSON.stringify(error.Item ?? {})} ${JSON.stringify(item.Update?.Key)}`,
      );
    }
  }

  async claimEvent(eventId: string, leaseSeconds: number): Promise<ClaimResult> {
    const now = this.epochSeconds();
    const token = `${now}-${Math.random().toString(36).slice(2, 10)}`;
    try {
      await this.dynamodb.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: { S: eventKey(eventId) },
            status: { S: 'IN_PROGRESS' },
            token: { S: token },
            leaseUntil: { N: String(now + leaseSeconds) },
            expiresAt: { N: String(now + CLAIM_TTL_SECONDS) },
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :inProgress AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': { S: 'IN_PROGRESS' }, ':now': { N: String(now) } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { status: 'claimed', token };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const ids = error.Item?.alertIds?.S;
      return { status: 'duplicate', alertIds: ids ? (JSON.parse(ids) as string[]) : [] };
    }
  }

  async releaseEvent(eventId: string, token: string): Promise<void> {
    try {
      await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: eventKey(eventId) } },
          // Expiring the lease (not deleting the claim) keeps a late DONE from being undone by a stale release.
          UpdateExpression: 'SET leaseUntil = :zero',
          ConditionExpression: '#status = :inProgress AND #token = :token',
          ExpressionAttributeNames: { '#status': 'status', '#token': 'token' },
          ExpressionAttributeValues: {
            ':inProgress': { S: 'IN_PROGRESS' },
            ':token': { S: token },
            ':zero': { N: '0' },
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async leaseAlert(alertId: string, now: string, leaseUntil: string) {
    try {
      const out = await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: alertKey(alertId) } },
          UpdateExpression:
            'SET leaseUntil = :until, unrecorded = if_not_exists(unrecorded, :zero) + :one ADD attempts :one',
          ConditionExpression:
            '#status = :pending AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now) AND ' +
            '(attribute_not_exists(unrecorded) OR unrecorded < :max OR leaseUntil <= :slow)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pending': { S: 'PENDING' },
            ':now': { S: now },
            ':until': { S: leaseUntil },
            ':one': { N: '1' },
            ':zero': { N: '0' },
            ':max': { N: String(MAX_UNRECORDED_ATTEMPTS) },
            ':slow': { S: new Date(Date.parse(now) - UNRECORDED_RETRY_MS).toISOString() },
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const old = out.Attributes;
      if (!old) return undefined;
      const record = alertRecord(old);
      return { record: { ...record, leaseUntil, attempts: record.attempts + 1 }, uncertain: !!old.leaseUntil?.S };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async markDelivered(alertId: string, ttlSeconds: number): Promise<void> {
    await this.dynamodb.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: alertKey(alertId) } },
        UpdateExpression: `SET #status = :delivered, expiresAt = :expires REMOVE leaseUntil, unrecorded, ${DUE_ATTRIBUTE}, ${DUE_AT_ATTRIBUTE}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':delivered': { S: 'DELIVERED' },
          ':expires': { N: String(this.epochSeconds() + ttlSeconds) },
        },
      }),
    );
  }

  async markFailed(alertId: string): Promise<void> {
    try {
      await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: alertKey(alertId) } },
          UpdateExpression: 'SET unrecorded = :zero REMOVE leaseUntil',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': { S: 'PENDING' }, ':zero': { N: '0' } },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async settleSilenced(alertId: string, ttlSeconds: number): Promise<void> {
    await this.onlySilenced(alertId, `SET expiresAt = :expires REMOVE ${DUE_ATTRIBUTE}, ${DUE_AT_ATTRIBUTE}`, {
      ':expires': { N: String(this.epochSeconds() + ttlSeconds) },
    });
  }

  async rescheduleSilenced(alertId: string, dueAt: string): Promise<void> {
    await this.onlySilenced(alertId, `SET ${DUE_AT_ATTRIBUTE} = :at`, { ':at': { S: dueAt } }, true);
  }

  /** An update of a silenced alert (still waiting for its silence's end, with `waiting`); else nothing. */
  private async onlySilenced(alertId: string, update: string, values: Item, waiting = false): Promise<void> {
    try {
      await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: alertKey(alertId) } },
          UpdateExpression: update,
          ConditionExpression: `#status = :silenced${waiting ? ` AND attribute_exists(${DUE_ATTRIBUTE})` : ''}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':silenced': { S: 'SILENCED' }, ...values },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async getAlert(alertId: string): Promise<AlertRecord | undefined> {
    const out = await this.dynamodb.send(
      new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: alertKey(alertId) } }, ConsistentRead: true }),
    );
    return out.Item ? alertRecord(out.Item) : undefined;
  }

  async due(kind: DueKind, before: string, limit: number): Promise<DueItem[]> {
    const out = await this.dynamodb.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: DUE_INDEX,
        KeyConditionExpression: '#due = :kind AND #at <= :before',
        ExpressionAttributeNames: { '#due': DUE_ATTRIBUTE, '#at': DUE_AT_ATTRIBUTE },
        ExpressionAttributeValues: { ':kind': { S: kind }, ':before': { S: before } },
        ScanIndexForward: true,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => ({ key: item.pk?.S ?? '', at: item[DUE_AT_ATTRIBUTE]?.S ?? '' }));
  }

  /** One transaction item per change, and what each one is (to read the cancellation reasons). */
  private transactItems(commit: Commit) {
    const items: TransactWriteItem[] = [];
    const roles: { kind: 'write' | 'alert' | 'claim'; key: string; alertId?: string }[] = [];
    for (const write of commit.writes) {
      items.push({ Put: { TableName: this.tableName, ...this.versionedPut(write) } });
      roles.push({ kind: 'write', key: write.key });
    }
    const names = { '#status': 'status' };
    for (const { alert, status, leaseUntil, silence } of commit.newAlerts) {
      const alertId = alertIdOf(alert);
      const item: Item = {
        pk: { S: alertKey(alertId) },
        status: { S: status },
        alert: { S: JSON.stringify(alert) },
        queuedAt: { S: commit.now },
        attempts: { N: leaseUntil ? '1' : '0' },
        ...(leaseUntil ? { leaseUntil: { S: leaseUntil }, unrecorded: { N: '1' } } : {}),
        ...(status === 'PENDING'
          ? { [DUE_ATTRIBUTE]: { S: 'alert' }, [DUE_AT_ATTRIBUTE]: { S: commit.now } }
          : status === 'SILENCED' && silence
            ? silencedAttributes(silence)
            : { expiresAt: { N: String(this.epochSeconds() + HELD_TTL_SECONDS) } }),
      };
      items.push({ Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } });
      roles.push({ kind: 'alert', key: alertKey(alertId), alertId });
    }
    for (const { alertId, leaseUntil } of commit.release) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: { pk: { S: alertKey(alertId) } },
          UpdateExpression: `SET #status = :pending, queuedAt = :now, #due = :alert, #at = :now${leaseUntil ? ', leaseUntil = :until, unrecorded = :one ADD attempts :one' : ''} REMOVE expiresAt`,
          ConditionExpression: '#status = :held',
          ExpressionAttributeNames: { ...names, '#due': DUE_ATTRIBUTE, '#at': DUE_AT_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':pending': { S: 'PENDING' },
            ':held': { S: 'HELD' },
            ':alert': { S: 'alert' },
            ':now': { S: commit.now },
            ...(leaseUntil ? { ':until': { S: leaseUntil }, ':one': { N: '1' } } : {}),
          },
        },
      });
      roles.push({ kind: 'alert', key: alertKey(alertId), alertId });
    }
    for (const alertId of commit.drop) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: { pk: { S: alertKey(alertId) } },
          UpdateExpression: 'SET #status = :dropped',
          ConditionExpression: '#status = :held',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':dropped': { S: 'DROPPED' }, ':held': { S: 'HELD' } },
        },
      });
      roles.push({ kind: 'alert', key: alertKey(alertId), alertId });
    }
    for (const { alertId, mark } of commit.silence ?? []) {
      const silenced = silencedAttributes(mark);
      items.push({
        Update: {
          TableName: this.tableName,
          Key: { pk: { S: alertKey(alertId) } },
          UpdateExpression: 'SET #status = :silenced, silence = :silence, #due = :due, #at = :at, expiresAt = :expires',
          ConditionExpression: '#status = :held',
          ExpressionAttributeNames: { ...names, '#due': DUE_ATTRIBUTE, '#at': DUE_AT_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':silenced': { S: 'SILENCED' },
            ':held': { S: 'HELD' },
            ':silence': silenced.silence,
            ':due': silenced[DUE_ATTRIBUTE],
            ':at': silenced[DUE_AT_ATTRIBUTE],
            ':expires': silenced.expiresAt,
          },
        },
      });
      roles.push({ kind: 'alert', key: alertKey(alertId), alertId });
    }
    const done = commit.completeEvent;
    if (done) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: { pk: { S: eventKey(done.eventId) } },
          UpdateExpression: 'SET #status = :done, alertIds = :ids REMOVE leaseUntil',
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { ...names, '#token': 'token' },
          ExpressionAttributeValues: {
            ':done': { S: 'DONE' },
            ':ids': { S: JSON.stringify(done.alertIds) },
            ':token': { S: done.token },
          },
        },
      });
      roles.push({ kind: 'claim', key: eventKey(done.eventId) });
    }
    return { items, roles };
  }

  private versionedPut(write: ItemWrite) {
    const { key, value, expectedVersion, ttlSeconds, wakeAt } = write;
    return {
      Item: {
        pk: { S: key },
        version: { N: String(expectedVersion + 1) },
        state: { S: JSON.stringify(value) },
        expiresAt: { N: String(this.epochSeconds() + ttlSeconds) },
        ...(wakeAt ? { [DUE_ATTRIBUTE]: { S: 'wake' }, [DUE_AT_ATTRIBUTE]: { S: wakeAt } } : {}),
      },
      ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
      ExpressionAttributeValues: expectedVersion === 0 ? undefined : { ':expected': { N: String(expectedVersion) } },
    };
  }

  private epochSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}

function versioned<T>(item: Item | undefined, fallback: T): Versioned<T> {
  if (!item?.state?.S) return { value: fallback, version: 0 };
  return { value: JSON.parse(item.state.S) as T, version: Number(item.version?.N ?? '0') };
}

function alertRecord(item: Item): AlertRecord {
  const alert = JSON.parse(item.alert?.S ?? '{}') as Alert;
  return {
    alertId: alertIdOf(alert),
    status: (item.status?.S ?? 'PENDING') as AlertStatus,
    alert,
    queuedAt: item.queuedAt?.S ?? '',
    leaseUntil: item.leaseUntil?.S,
    attempts: Number(item.attempts?.N ?? '0'),
    ...(item.silence?.S ? { silence: JSON.parse(item.silence.S) as SilenceMark } : {}),
  };
}

/** A silenced alert: kept, due when its silence ends, expiring a while after. */
function silencedAttributes(mark: SilenceMark) {
  return {
    silence: { S: JSON.stringify(mark) },
    [DUE_ATTRIBUTE]: { S: 'silenced' },
    [DUE_AT_ATTRIBUTE]: { S: mark.endsAt },
    expiresAt: { N: String(Math.floor(Date.parse(mark.endsAt) / 1000) + SILENCED_TTL_SECONDS) },
  };
}

/** DynamoDB refuses an item over 400 KB with a ValidationException naming the size. */
function tooLarge(error: unknown): ItemTooLargeError | undefined {
  if (error instanceof Error && error.name === 'ValidationException' && /size has exceeded/i.test(error.message))
    return new ItemTooLargeError(error.message);
  return undefined;
}
