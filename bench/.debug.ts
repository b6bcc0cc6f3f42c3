import { baselines, runScenario, scenarios, score } from '../test/support/faults/scenarios';
const name = process.argv[2];
(async () => {
  const list = scenarios().filter((s) => s.name.startsWith(name));
  const base = await baselines(list);
  for (const s of list) {
    const r = await runScenario(s);
    const b = base.get(s.workload)!;
    console.log(JSON.stringify(score(b, r)));
    const fmt = (w: typeof r.world) => w.deliveries.map((d) => `${Math.round((d.at - Date.parse('2026-11-26T03:00:00Z'))/1000)}s ${d.group} ${d.alertId}${d.diedAfterAcceptance ? ' (died)' : ''}`);
    console.log('BASE\n' + fmt(b).join('\n'));
    console.log('RUN\n' + fmt(r.world).join('\n'));
    console.log('DLQ', r.outcome.deadLettered, JSON.stringify(r.world.store.alerts().map(a=>[a.alertId,a.status])));
  }
})();
