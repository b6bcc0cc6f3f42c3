/**
 * Adding, listing and ending silences (the `ecs-watchdog silence` commands): the silence book is one
 * versioned item of the state table, written with optimistic locking. Ending a silence early brings
 * the pages it held forward, so that the next sweep looks at them (README "Silences and maintenance windows").
 */
import type { IncidentStore } from '../domain/incidents/incident-store';
import { alertIdOfKey, SILENCES_KEY, SILENCES_TTL_SECONDS } from '../domain/incidents/keys';
import {
  addSilence,
  EMPTY_BOOK,
  expireSilence,
  type NewSilence,
  type Silence,
  type SilenceBook,
  SilenceInputError,
  silenceIdFor,
} from '../domain/silences/silence';
import { withRetries } from './incidents/retry';

export interface SilenceAdminDeps {
  store: IncidentStore;
  /** The caller's identity (STS GetCallerIdentity through `adapters/caller-identity.ts`). */
  whoAmI(): Promise<string>;
  now?: () => number;
  random?: () => number;
}

const nowOf = (deps: SilenceAdminDeps) => new Date((deps.now ?? Date.now)()).toISOString();

/** Silenced pages `silence expire` looks through to bring its own forward. */
const SILENCED_PAGES_LIMIT = 1000;

export async function addSilenceCommand(input: NewSilence, deps: SilenceAdminDeps): Promise<Silence> {
  const who = await deps.whoAmI();
  return withRetries('silences', async () => {
    const read = await deps.store.get<SilenceBook>(SILENCES_KEY, EMPTY_BOOK);
    const now = nowOf(deps);
    const id = silenceIdFor(now, ((deps.random ?? Math.random)() * 36 ** 4).toString(36).padStart(4, '0'));
    const { book, silence } = addSilence(read.value, input, who, now, id);
    await deps.store.put({
      key: SILENCES_KEY,
      value: book,
      expectedVersion: read.version,
      ttlSeconds: SILENCES_TTL_SECONDS,
    });
    return silence;
  });
}

/** Active silences (and, with `all`, those ended in the last week), ending soonest first. */
export async function listSilences(deps: SilenceAdminDeps, all = false): Promise<Silence[]> {
  const now = nowOf(deps);
  const { value } = await deps.store.get<SilenceBook>(SILENCES_KEY, EMPTY_BOOK);
  return value.silences
    .filter((s) => all || (s.startsAt <= now && now < s.endsAt))
    .sort((a, b) => (a.endsAt < b.endsAt ? -1 : 1));
}

export async function expireSilenceCommand(id: string, deps: SilenceAdminDeps): Promise<Silence> {
  const who = await deps.whoAmI();
  const expired = await withRetries('silences', async () => {
    const read = await deps.store.get<SilenceBook>(SILENCES_KEY, EMPTY_BOOK);
    const now = nowOf(deps);
    const book = expireSilence(read.value, id, who, now);
    if (!book) throw new SilenceInputError(`no active silence ${JSON.stringify(id)} (see: ecs-watchdog silence list)`);
    await deps.store.put({
      key: SILENCES_KEY,
      value: book,
      expectedVersion: read.version,
      ttlSeconds: SILENCES_TTL_SECONDS,
    });
    return book.silences.find((s) => s.id === id) as Silence;
  });
  // The pages it held were due at its planned end: bring them forward to now.
  const waiting = await deps.store.due('silenced', '9999', SILENCED_PAGES_LIMIT);
  for (const item of waiting) {
    const alertId = alertIdOfKey(item.key);
    const record = await deps.store.getAlert(alertId);
    if (record?.silence?.silenceId === id) await deps.store.rescheduleSilenced(alertId, expired.endsAt);
  }
  return expired;
}
