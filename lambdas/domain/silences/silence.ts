/**
 * Silences (README "Silences and maintenance windows"): "mute it while we fix it", with a scope, an end
 * and a reason. Pure: time is an argument. Every silence of the account lives in one small item of the
 * state table (the silence book, `keys.ts`), read by the gate where alerts enter the outbox.
 */

/** What a silence (or a maintenance window) mutes: a cluster, optionally one service and one category. */
export interface SilenceScope {
  /** A cluster name, or `*` for every cluster (and for alerts of no cluster, such as a subnet's capacity). */
  cluster: string;
  service?: string;
  /** A stop category, rollout outcome, service action or alert kind (`RESTART_LOOP`, `CAPACITY`…). */
  category?: string;
}

export interface Silence extends SilenceScope {
  id: string;
  startsAt: string;
  endsAt: string;
  reason: string;
  /** Who added it (the caller's identity from STS), when. */
  createdBy: string;
  createdAt: string;
  /** Set when it was ended before its time (`silence expire`). */
  expiredBy?: string;
}

export interface SilenceBook {
  silences: Silence[];
}

export const EMPTY_BOOK: SilenceBook = { silences: [] };

/** Ended silences stay listed (`silence list --all`) this long, then leave the book. */
export const ENDED_KEPT_MS = 7 * 24 * 3600_000;
/** The longest silence: a mute that outlives a quarter is a setting (`mutedCategories`), not a silence. */
export const MAX_SILENCE_MS = 90 * 24 * 3600_000;
export const REASON_MAX = 300;

/** What an alert is, for matching: its cluster, service, category and kind. */
export interface SilenceTarget {
  cluster?: string;
  service?: string;
  category?: string;
  kind?: string;
}

export function matches(scope: SilenceScope, target: SilenceTarget): boolean {
  if (scope.cluster !== '*' && scope.cluster !== target.cluster) return false;
  if (scope.service !== undefined && scope.service !== target.service) return false;
  if (scope.category !== undefined && scope.category !== target.category && scope.category !== target.kind)
    return false;
  return true;
}

export function isActive(silence: Pick<Silence, 'startsAt' | 'endsAt'>, now: string): boolean {
  return silence.startsAt <= now && now < silence.endsAt;
}

/** The active silence that mutes the target, the one ending last when several do. */
export function silenceFor(book: SilenceBook, target: SilenceTarget, now: string): Silence | undefined {
  return book.silences
    .filter((s) => isActive(s, now) && matches(s, target))
    .sort((a, b) => (a.endsAt < b.endsAt ? 1 : -1))[0];
}

/** `2h`, `30m`, `1d`, `90s`, `1h30m` → milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(?:(\d{1,4})d)?(?:(\d{1,4})h)?(?:(\d{1,5})m)?(?:(\d{1,6})s)?$/.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [, d, h, m, s] = match.map((v) => Number(v ?? 0));
  return (((d ?? 0) * 24 + (h ?? 0)) * 60 + (m ?? 0)) * 60_000 + (s ?? 0) * 1000;
}

export class SilenceInputError extends Error {
  override readonly name = 'SilenceInputError';
}

export interface NewSilence extends SilenceScope {
  /** How long from now, or until when (ISO): exactly one. */
  forMs?: number;
  until?: string;
  reason: string;
}

/** Adds a silence to the book (ended ones older than {@link ENDED_KEPT_MS} leave it). */
export function addSilence(
  book: SilenceBook,
  input: NewSilence,
  who: string,
  now: string,
  id: string,
): { book: SilenceBook; silence: Silence } {
  const reason = input.reason.trim();
  if (!input.cluster.trim()) throw new SilenceInputError('--cluster is required (a cluster name, or * for all)');
  if (!reason) throw new SilenceInputError('--reason is required: say why, for whoever is paged next');
  if (reason.length > REASON_MAX) throw new SilenceInputError(`--reason is at most ${REASON_MAX} characters`);
  if ((input.forMs === undefined) === (input.until === undefined))
    throw new SilenceInputError('give exactly one of --for DURATION (e.g. 2h) or --until TIME (ISO 8601)');
  const endMs = input.forMs !== undefined ? Date.parse(now) + input.forMs : Date.parse(input.until ?? '');
  if (Number.isNaN(endMs))
    throw new SilenceInputError(`--until ${JSON.stringify(input.until)} is not a time (ISO 8601)`);
  if (endMs <= Date.parse(now)) throw new SilenceInputError('the silence would end before it starts');
  if (endMs - Date.parse(now) > MAX_SILENCE_MS)
    throw new SilenceInputError('a silence lasts at most 90 days (use the mutedCategories setting for good)');
  const silence: Silence = {
    id,
    cluster: input.cluster.trim(),
    ...(input.service ? { service: input.service } : {}),
    ...(input.category ? { category: input.category } : {}),
    startsAt: now,
    endsAt: new Date(endMs).toISOString(),
    reason,
    createdBy: who,
    createdAt: now,
  };
  return { book: { silences: [...prune(book, now).silences, silence] }, silence };
}

/** Ends a silence now; undefined when the book has no such active silence. */
export function expireSilence(book: SilenceBook, id: string, who: string, now: string): SilenceBook | undefined {
  const silence = book.silences.find((s) => s.id === id);
  if (!silence || !isActive(silence, now)) return undefined;
  return {
    silences: prune(book, now).silences.map((s) => (s.id === id ? { ...s, endsAt: now, expiredBy: who } : s)),
  };
}

export function prune(book: SilenceBook, now: string): SilenceBook {
  const oldest = Date.parse(now) - ENDED_KEPT_MS;
  return { silences: book.silences.filter((s) => Date.parse(s.endsAt) >= oldest) };
}

/** A short id to type: the time it was added and a random part (`s-20261202T1305-k3x9`). */
export function silenceIdFor(now: string, random: string): string {
  return `s-${now.slice(0, 16).replace(/[-:]/g, '')}-${random.slice(0, 4)}`;
}
