/**
 * Classifier accuracy (`npm run bench:accuracy [-- FILE...]`): one JSON line per corpus with the share of cases
 * whose category matches the label a person gave it. Without arguments: the events/task-stopped fixtures and every
 * test/fixtures/reason-variants*.json. With FILE arguments: only those files (same shape as reason-variants.json),
 * e.g. a sealed corpus scored once by its owner.
 */
import { parseEnvelope } from '../lambdas/domain/events/ecs-event';
import { parseTaskStateChange } from '../lambdas/domain/events/task-event';
import { classifyStop } from '../lambdas/domain/stops/classify-stop';
import { loadFixtureCases, loadVariantCases, type SourcedCase, variantCorpora } from '../test/support/corpora';

const files = process.argv.slice(2);
const corpora: SourcedCase[][] =
  files.length > 0 ? files.map(loadVariantCases) : [loadFixtureCases(), ...variantCorpora().map(loadVariantCases)];

for (const cases of corpora) {
  const misses = cases.filter(
    (c) => classifyStop(parseTaskStateChange(parseEnvelope(c.event))).category !== c.expected,
  );
  const correct = cases.length - misses.length;
  process.stdout.write(
    `${JSON.stringify({
      corpus: cases[0]?.corpus ?? '-',
      cases: cases.length,
      correct,
      accuracy: cases.length ? Math.round((correct / cases.length) * 1000) / 10 : null,
      misses: misses.map((m) => `${m.label.slice(0, 80)} (expected ${m.expected})`),
    })}\n`,
  );
}
