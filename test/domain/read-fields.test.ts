import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundedText, isValidTimestamp } from '../../lambdas/domain/events/read-fields';

const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2200, 0, 1);
const byDateParse = (text: string) => {
  const ms = Date.parse(text);
  return Number.isFinite(ms) && ms >= MIN_TIME && ms < MAX_TIME;
};
const two = (max: number, min = 0) => fc.integer({ min, max }).map((n) => String(n).padStart(2, '0'));

describe('event field reading', () => {
  it('accepts a time exactly when Date.parse puts it in range, ECS format or not', () => {
    const ecsTimes = fc
      .tuple(
        fc.integer({ min: 1990, max: 2299 }),
        two(13),
        two(32),
        two(25),
        two(60),
        two(60),
        fc.option(fc.stringMatching(/^\.\d{1,12}$/)),
        fc.constantFrom('Z', '+00:00', ''),
      )
      .map(([y, mo, d, h, mi, s, frac, zone]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${frac ?? ''}${zone}`);
    fc.assert(
      fc.property(fc.oneof(ecsTimes, fc.string()), (text) => {
        expect(isValidTimestamp(text)).toBe(byDateParse(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('makes text well-formed: lone surrogates become U+FFFD, pairs stay, also where the cut splits a pair', () => {
    expect(boundedText('a\ud800b\udc00c')).toBe('a\ufffdb\ufffdc');
    expect(boundedText('\u{1f6a8}')).toBe('\u{1f6a8}');
    expect(boundedText('ab\u{1f6a8}', 3)).toBe('ab…');
    expect(boundedText('a\u{1f6a8}b', 3)).toBe('a\ufffd…');
  });
});
