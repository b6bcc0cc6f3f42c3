import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * EventBridge's own pattern semantics, from AWS's open-source Event Ruler (Java, from Maven Central):
 * test/infra/ruler/RulerMatch.java matches each event against its pattern. The class path is resolved
 * by Maven on first use (and by .ci/run); Java 17 and Maven are needed (README, Development).
 */
const RULER = path.join(__dirname, 'ruler');
const CLASSPATH = path.join(RULER, 'target', 'classpath.txt');

function classPath(): string {
  if (!existsSync(CLASSPATH)) {
    execFileSync(
      'mvn',
      ['-q', '-f', path.join(RULER, 'pom.xml'), 'dependency:build-classpath', `-Dmdep.outputFile=${CLASSPATH}`],
      {
        stdio: 'inherit',
      },
    );
  }
  return readFileSync(CLASSPATH, 'utf8').trim();
}

export interface PatternCase {
  pattern: unknown;
  event: unknown;
}

/** Whether Event Ruler matches each event against its pattern: one Java process for all the cases. */
export function rulerMatches(cases: PatternCase[]): boolean[] {
  const input = cases.map((c) => JSON.stringify(c)).join('\n');
  const run = spawnSync('java', ['-cp', classPath(), path.join(RULER, 'RulerMatch.java')], {
    input,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`Event Ruler failed (${run.status}): ${run.stderr}`);
  const lines = run.stdout.trim().split('\n');
  if (lines.length !== cases.length)
    throw new Error(`Event Ruler answered ${lines.length} of ${cases.length}: ${run.stdout}`);
  return lines.map((line, i) => {
    if (line !== 'true' && line !== 'false') throw new Error(`Event Ruler rejected pattern ${i}: ${line}`);
    return line === 'true';
  });
}
