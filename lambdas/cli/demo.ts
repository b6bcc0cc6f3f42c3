/** Replaced by the local-AWS demo (issue 3). */
export async function runDemo(): Promise<number> {
  process.stderr.write('ecs-watchdog demo: not available yet; use `ecs-watchdog classify events/**/*.json`\n');
  return 1;
}
