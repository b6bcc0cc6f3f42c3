import { performance } from 'node:perf_hooks';
import { classifyEvent } from '../lambdas/domain/alerts/classify-event';
import { redact } from '../lambdas/domain/alerts/redact';
import { redactAlert } from '../lambdas/domain/alerts/redact-alert';
import { toSnsMessage } from '../lambdas/domain/alerts/sns-message';

/**
 * Worst time of the redactor and of the classifier on 256 KB adversarial inputs (README "Redaction and hostile
 * input"): for each shape, the slowest of several runs; one JSON line. The redactor reads each input
 * whole (in the functions, log lines are capped at 8 KB first: this is the uncapped worst case); the
 * classifier reads a task stop whose stopped reason and container reason are the input, through the
 * same path as `ecs-watchdog classify` (parse, classify, build the alert), then the SNS message.
 */
const SIZE = 256 * 1024;
const RUNS = 5;

const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

const SHAPES: Record<string, string> = {
  'one character': fill('a'),
  'base64 run': fill('Ab0+/'),
  'hex run': fill('0123456789abcdef'),
  spaces: fill(' \t'),
  'key= pairs': fill('password='),
  'key: pairs': fill('a:'),
  'secret keys without values': fill('token: '),
  'quoted keys, unterminated': fill('"apiKey":"'),
  'escaped JSON keys': fill('\\"password\\":\\"x'),
  'URL schemes': fill('a://'),
  'URL userinfo without host': fill('https://u:p@'),
  'at signs': fill('@:'),
  'JWT starts': fill('eyJhbGciOi.'),
  'JWT dots': fill('eyJ.'),
  'key BEGIN markers': fill('-----BEGIN RSA PRIVATE KEY-----'),
  'key BEGIN then body lines': `-----BEGIN PRIVATE KEY-----\n${fill('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n')}`,
  'many short lines': fill('password: |\n  x\n'),
  'bearer schemes': fill('Bearer '),
  'AWS key id runs': fill('AKIAIOSFODNN7EXAMPLE'),
  'XML secret tags unclosed': fill('<password>'),
  flags: fill('--password '),
  'curl user flags': fill('-u a:'),
  'token prefixes': fill('ghp_sk-xoxb-glpat-'),
  parentheses: fill('('),
  'ARN prefixes': fill('arn:'),
  'classifier keywords': fill('target group instance asm volume efs exec: '),
  'lone surrogates': fill('\ud800a'),
  'mixed printable': Array.from({ length: SIZE }, (_, i) => String.fromCharCode(32 + ((i * 7919) % 95))).join(''),
};

/** The slowest of RUNS runs, in wall time and in CPU time (this process, GC included): on a shared machine the two differ. */
function worst(run: () => unknown): { wall: number; cpu: number } {
  let wall = 0;
  let cpu = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const used = process.cpuUsage();
    run();
    const spent = process.cpuUsage(used);
    wall = Math.max(wall, performance.now() - start);
    cpu = Math.max(cpu, (spent.user + spent.system) / 1000);
  }
  return { wall, cpu };
}

function stopEvent(reason: string): unknown {
  return {
    version: '0',
    id: 'hostile',
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    account: '123456789012',
    time: '2025-03-01T04:45:50Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef0123456789abcdef',
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:1',
      group: 'service:api',
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: reason,
      containers: [{ name: 'api', exitCode: 1, reason }],
    },
  };
}

const redactor: Record<string, { wall: number; cpu: number }> = {};
const classifier: Record<string, { wall: number; cpu: number }> = {};
for (const [shape, input] of Object.entries(SHAPES)) {
  redactor[shape] = worst(() => redact(input));
  classifier[shape] = worst(() => toSnsMessage(redactAlert(classifyEvent(stopEvent(input)))));
}
const round = (ms: number) => Math.round(ms * 10) / 10;
const slowest = (times: Record<string, { wall: number; cpu: number }>) => {
  const entries = Object.entries(times);
  const [shape, t] = entries.sort((a, b) => b[1].wall - a[1].wall)[0] as [string, { wall: number; cpu: number }];
  const [cpuShape, c] = entries.sort((a, b) => b[1].cpu - a[1].cpu)[0] as [string, { wall: number; cpu: number }];
  return { worstMs: round(t.wall), shape, worstCpuMs: round(c.cpu), cpuShape };
};
console.log(
  JSON.stringify({
    inputBytes: SIZE,
    shapes: Object.keys(SHAPES).length,
    runsPerShape: RUNS,
    redactor: slowest(redactor),
    classifier: slowest(classifier),
    targetMs: 100,
  }),
);
if (process.argv.includes('--each')) console.error(JSON.stringify({ redactor, classifier }));
