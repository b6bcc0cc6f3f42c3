import { measureCorpora } from '../test/support/redaction-corpus';

/** Prints the redaction figures of the closing note as one JSON line (test/fixtures/redaction/README.md). */
const m = measureCorpora();
console.log(
  JSON.stringify({
    secretCases: m.secretCases,
    secrets: m.secrets,
    leakedSecrets: m.leaks.length,
    leakedWhole: m.leaks.filter((l) => l.whole).length,
    ordinaryLines: m.ordinaryLines,
    changedLines: m.changed.length,
  }),
);
