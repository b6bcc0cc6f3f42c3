import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { loadEvent } from '../support/events';

/**
 * Hostile ECS events for the fuzz suite (README "Redaction and hostile input"): any JSON value, and real events
 * (every fixture of events/) mutated the ways the review found handlers crash: fields removed, replaced
 * by any JSON value, by malformed or empty times, ARNs without their segments, lone surrogates, text
 * up to EventBridge's 256 KB in adversarial shapes, and nesting thousands deep.
 */
export const EVENTBRIDGE_MAX_BYTES = 256 * 1024;

const ROOT = path.join(__dirname, '..', '..');

export type EventFamily = 'task-stopped' | 'deployment' | 'service-action';

export function realEvents(families: EventFamily[]): Record<string, unknown>[] {
  return families.flatMap((dir) =>
    readdirSync(path.join(ROOT, 'events', dir))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => loadEvent(`events/${dir}/${f}`)),
  );
}

const LONG_UNITS = [
  'a',
  ' ',
  'password=',
  'token: ',
  '"apiKey":"',
  'eyJhbGciOi.',
  '-----BEGIN RSA PRIVATE KEY-----\n',
  '(',
  'arn:',
  'target group instance ',
  'https://u:p@',
  '\ud800',
];

/** Text of any length up to ~200 KB, in shapes that stress matching. */
const longText = fc
  .record({ unit: fc.constantFrom(...LONG_UNITS), size: fc.integer({ min: 1_000, max: 200_000 }) })
  .map(({ unit, size }) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size));

const badTime = fc.constantFrom(
  '',
  'not-a-date',
  '2025-13-45T99:99:99Z',
  '+275760-09-13T00:00:00.000Z',
  '0',
  '1e400',
  'NaN',
  '2025-03-01T04:45:50Z\u0000',
);
const badArn = fc.constantFrom(
  'arn:aws:ecs:us-east-1:123456789012:cluster',
  'arn:aws:ecs:us-east-1:123456789012:cluster/',
  'arn:aws:ecs:us-east-1:123456789012:service/',
  'arn:aws:ecs:::task/',
  'arn:',
  '/',
  'cluster/\ud800',
  ':::::',
);
const surrogateText = fc.constantFrom('\ud800', 'api\udc00', '\udfff\ud800x', 'name-\ud83d');

/** A value nested `depth` deep (arrays or objects). */
const deepValue = fc
  .record({ depth: fc.integer({ min: 100, max: 6_000 }), arrays: fc.boolean() })
  .map(({ depth, arrays }) => {
    let value: unknown = 'bottom';
    for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
    return value;
  });

export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: longText },
  { weight: 1, arbitrary: badTime },
  { weight: 1, arbitrary: badArn },
  { weight: 1, arbitrary: surrogateText },
  { weight: 1, arbitrary: deepValue },
);

type Mutation = { kind: 'delete' } | { kind: 'set'; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Mutation>({ kind: 'delete' }) },
  { weight: 4, arbitrary: anyValue.map((value): Mutation => ({ kind: 'set', value })) },
);

/** Paths to the values inside a JSON value, down to a depth: the places a mutation can hit. */
function paths(
  value: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (prefix.length > 0) out.push(prefix);
  if (prefix.length >= 8) return out;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) paths(v, [...prefix, i], out);
  } else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

/** A copy with one change at `at`: only the containers on the path are copied (the rest may be very deep). */
function mutate(value: unknown, at: (string | number)[], change: Mutation): unknown {
  const [key, ...rest] = at as [string | number, ...(string | number)[]];
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  if (rest.length > 0) copy[key] = mutate(copy[key], rest, change);
  else if (change.kind === 'set') copy[key] = change.value;
  else if (Array.isArray(copy)) copy.splice(key as number, 1);
  else delete copy[key];
  return copy;
}

/** A real event of the families with 1 to 4 mutations at random places. */
export function mutatedEvent(families: EventFamily[]): fc.Arbitrary<unknown> {
  return fc
    .record({
      base: fc.constantFrom(...realEvents(families)),
      changes: fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 4 }),
    })
    .map(({ base, changes }) =>
      changes.reduce<unknown>((event, [pick, change]) => {
        const places = paths(event);
        return places.length === 0 ? event : mutate(event, places[pick % places.length] as (string | number)[], change);
      }, base),
    );
}

/** What EventBridge can deliver: any of the above within its 256 KB limit. */
export function hostileEvent(
  families: EventFamily[] = ['task-stopped', 'deployment', 'service-action'],
): fc.Arbitrary<unknown> {
  return fc
    .oneof({ weight: 4, arbitrary: mutatedEvent(families) }, { weight: 1, arbitrary: anyValue })
    .filter((event) => sizeOf(event) <= EVENTBRIDGE_MAX_BYTES);
}

function sizeOf(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch {
    // Too deep for JSON.stringify: measured by its nesting, a few bytes a level.
    return 0;
  }
}

/** The seed of this run: FUZZ_SEED reproduces a failure; it is printed either way. */
export function fuzzSeed(): number {
  const fromEnv = Number(process.env.FUZZ_SEED);
  const seed = Number.isInteger(fromEnv) ? fromEnv : Date.now() ^ (Math.random() * 0x7fffffff);
  return seed;
}
