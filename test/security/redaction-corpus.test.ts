import { describe, expect, it } from 'vitest';
import { measureCorpora } from '../support/redaction-corpus';

describe('ecs-watchdog redact over the corpora of test/fixtures/redaction', () => {
  const result = measureCorpora();

  it('leaks none of the secret shapes, whole or in part', () => {
    expect(result.secretCases).toBeGreaterThan(150);
    expect(result.leaks.map((l) => `${l.family}: ${l.output.join(' | ')}`)).toEqual([]);
  });

  it('changes no ordinary log line', () => {
    expect(result.ordinaryLines).toBeGreaterThan(150);
    expect(result.changed).toEqual([]);
  });
});
