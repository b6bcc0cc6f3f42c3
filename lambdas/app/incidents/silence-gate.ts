/**
 * The silence gate (README "Silences and maintenance windows"): where alerts are committed to the
 * outbox, every alert about to page (queued PENDING, or a held alert released) is checked against the
 * active silences and maintenance windows. A silenced one is committed SILENCED instead: recorded and
 * counted, never published, and looked at again by the sweep when its silence ends. So every path that
 * pages (task stops, loops, recoveries, rollouts, service actions, capacity) passes it.
 */
import { type Alert, alertIdOf } from '../../domain/alerts/alert';
import { pageEntry } from '../../domain/history/history';
import type { HistoryLog } from '../../domain/history/history-log';
import type { Commit, IncidentStore, SilenceMark } from '../../domain/incidents/incident-store';
import { SILENCES_KEY } from '../../domain/incidents/keys';
import { activeOccurrence, type MaintenanceWindow } from '../../domain/silences/maintenance-window';
import { EMPTY_BOOK, type Silence, type SilenceBook, silenceFor } from '../../domain/silences/silence';
import { recordHistory } from '../history';
import type { Counter, Log } from '../shared/telemetry';
import { type Pacing, throttled } from './retry';

export interface SilencingDeps extends Pacing {
  store: IncidentStore;
  /** The recurring windows of the `maintenanceWindows` setting. */
  maintenanceWindows?: readonly MaintenanceWindow[];
  counter?: Counter;
  log?: Log;
  history?: HistoryLog;
  now?: () => number;
}

/** What the committing path knows about the alerts' incident, kept with a silenced alert for the sweep. */
export interface SilenceContext {
  scope?: string;
  stopCount?: number;
  /** Read the silence book now, whatever this instance read in the last {@link BOOK_CACHE_MS}. */
  fresh?: boolean;
}

/**
 * How long one function instance reuses the silence book it read: a decision retried after a conflict
 * or throttling reads it once, and a burst of pages costs one read. A silence takes effect within this.
 */
export const BOOK_CACHE_MS = 5_000;
const books = new WeakMap<IncidentStore, { readAt: number; book: SilenceBook }>();

export interface SilencedAlert {
  alert: Alert;
  silence: Silence;
}

type Pending = Omit<Commit, 'completeEvent'>;

/** The commit with the alerts that a silence holds turned SILENCED, and those alerts. */
export async function applySilences(
  commit: Pending,
  deps: SilencingDeps,
  context: SilenceContext = {},
): Promise<{ commit: Pending; silenced: SilencedAlert[] }> {
  const paging = commit.newAlerts.some((a) => a.status === 'PENDING') || commit.release.length > 0;
  if (!paging) return { commit, silenced: [] };
  const active = await activeSilences(deps, commit.now, context.fresh);
  if (active.length === 0) return { commit, silenced: [] };
  const book: SilenceBook = { silences: active };
  const silenced: SilencedAlert[] = [];
  const mark = (silence: Silence): SilenceMark => ({
    silenceId: silence.id,
    endsAt: silence.endsAt,
    ...(context.scope ? { scope: context.scope } : {}),
    ...(context.stopCount !== undefined ? { stopCount: context.stopCount } : {}),
  });
  const newAlerts = commit.newAlerts.map((queued) => {
    if (queued.status !== 'PENDING') return queued;
    const silence = silenceFor(book, queued.alert, commit.now);
    if (!silence) return queued;
    silenced.push({ alert: queued.alert, silence });
    return { alert: queued.alert, status: 'SILENCED' as const, silence: mark(silence) };
  });
  const release: Pending['release'] = [];
  const silence = [...(commit.silence ?? [])];
  for (const released of commit.release) {
    const record = await throttled(released.alertId, () => deps.store.getAlert(released.alertId), deps);
    const holding = record && silenceFor(book, record.alert, commit.now);
    if (!record || !holding) {
      release.push(released);
      continue;
    }
    silenced.push({ alert: record.alert, silence: holding });
    silence.push({ alertId: released.alertId, mark: mark(holding) });
  }
  return { commit: { ...commit, newAlerts, release, silence }, silenced };
}

/** The silences of the book and the maintenance windows' occurrences active at `now`. */
export async function activeSilences(deps: SilencingDeps, now: string, fresh = false): Promise<Silence[]> {
  const windows = (deps.maintenanceWindows ?? []).flatMap((w) => activeOccurrence(w, now) ?? []);
  const book = await readBook(deps, fresh);
  return [...book.silences.filter((s) => s.startsAt <= now && now < s.endsAt), ...windows];
}

async function readBook(deps: SilencingDeps, fresh: boolean): Promise<SilenceBook> {
  const at = (deps.now ?? Date.now)();
  const cached = books.get(deps.store);
  if (!fresh && cached && at - cached.readAt >= 0 && at - cached.readAt < BOOK_CACHE_MS) return cached.book;
  const read = await throttled('silences', () => deps.store.get<SilenceBook>(SILENCES_KEY, EMPTY_BOOK), deps);
  books.set(deps.store, { readAt: at, book: read.value });
  return read.value;
}

/** Counts, logs and records what a commit silenced (after the commit: a retried decision counts once). */
export async function reportSilenced(silenced: SilencedAlert[], now: string, deps: SilencingDeps): Promise<void> {
  await recordHistory(
    silenced.map(({ alert, silence }) => pageEntry(alert, now, 'SILENCED', silence.id)),
    deps,
  );
  for (const { alert, silence } of silenced) {
    deps.counter?.count('PagesSilenced');
    deps.log?.info('Page silenced: recorded, not published', {
      alertId: alertIdOf(alert),
      kind: alert.kind,
      category: alert.category,
      cluster: alert.cluster,
      service: alert.service,
      silenceId: silence.id,
      silenceEndsAt: silence.endsAt,
    });
  }
}
