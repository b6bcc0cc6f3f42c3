/**
 * Local AWS for integration tests, the demo and the benchmarks (README, "Quick start"; what it serves:
 * local/API-SUPPORT.md).
 *
 * - Installs the pinned moto server (local/requirements.txt) into the project-local virtual
 *   environment `.venv` on first use, and again whenever the requirements file changes.
 * - Starts `moto_server` on 127.0.0.1 and a free port, waits until it answers, and stops it
 *   afterwards: on `stop()`, when the caller throws (`withLocalAws`), on SIGINT/SIGTERM and on
 *   process exit. The server also exits by itself when the Node process that started it dies
 *   (even by SIGKILL): a watchdog thread in the Python launcher polls its parent pid.
 *
 * Set LOCAL_AWS_ENDPOINT=http://127.0.0.1:PORT to reuse a server that is already running
 * (nothing is started, and `stop()` leaves it running).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface LocalAwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Spread into any SDK v3 client constructor: `new ECSClient(aws.clientConfig)`. */
export interface LocalAwsClientConfig {
  endpoint: string;
  region: string;
  credentials: LocalAwsCredentials;
  maxAttempts: number;
}

export interface LocalAws {
  endpoint: string;
  region: string;
  credentials: LocalAwsCredentials;
  clientConfig: LocalAwsClientConfig;
  /** Forget all emulator state (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Stop the server (idempotent). A no-op for a server this object does not own. */
  stop(): Promise<void>;
}

export interface LocalAwsOptions {
  log?: (msg: string) => void;
  /** How long to wait for the server to answer, default 60 s. */
  startTimeoutMs?: number;
  /** Seed moto's random generator so generated ids are the same on every run (POST /moto-api/seed). */
  seed?: number;
}

export const PROJECT_ROOT = resolve(__dirname, '..');
export const VENV_DIR = join(PROJECT_ROOT, '.venv');
export const REQUIREMENTS_FILE = join(PROJECT_ROOT, 'local', 'requirements.txt');
const STAMP_FILE = join(VENV_DIR, '.ecs-watchdog-requirements.sha256');
const VENV_PYTHON = join(VENV_DIR, 'bin', 'python');
const MOTO_SERVER = join(VENV_DIR, 'bin', 'moto_server');

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '123456789012'; // moto's default account
export const LOCAL_CREDENTIALS: LocalAwsCredentials = {
  accessKeyId: 'testing',
  secretAccessKey: 'testing',
};

const noop = (_msg: string): void => {};

// ---------------------------------------------------------------- install

function requirementsHash(): string {
  return createHash('sha256').update(readFileSync(REQUIREMENTS_FILE)).digest('hex');
}

function isInstalled(hash: string): boolean {
  try {
    return existsSync(MOTO_SERVER) && existsSync(VENV_PYTHON) && readFileSync(STAMP_FILE, 'utf8').trim() === hash;
  } catch {
    return false;
  }
}

interface RunResult {
  code: number | null;
  output: string;
}

function run(cmd: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    let output = '';
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, {
        cwd: PROJECT_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PYTHONDONTWRITEBYTECODE: '1' },
      });
    } catch (err) {
      resolvePromise({ code: null, output: String(err) });
      return;
    }
    const append = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          output += `\n[timed out after ${opts.timeoutMs} ms]`;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.on('error', (err) => {
      output += String(err);
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolvePromise({ code, output });
    });
  });
}

const tail = (text: string, lines = 25): string => text.trim().split('\n').slice(-lines).join('\n');

function pythonCommand(): string {
  return process.env.LOCAL_AWS_PYTHON || 'python3';
}

async function checkPython(python: string): Promise<void> {
  const version = await run(python, [
    '-c',
    'import sys; print("%d.%d" % sys.version_info[:2]); sys.exit(0 if sys.version_info >= (3, 9) else 3)',
  ]);
  if (version.code === null || /ENOENT/.test(version.output)) {
    throw new Error(
      `The local AWS emulator needs Python 3.9 or later, but "${python}" was not found on PATH.\n` +
        'Fix: install it (Debian/Ubuntu: `apt-get install -y python3 python3-venv`), or set ' +
        'LOCAL_AWS_PYTHON to the path of a Python 3 interpreter.',
    );
  }
  if (version.code === 3) {
    throw new Error(
      `The local AWS emulator needs Python 3.9 or later; "${python}" is ${version.output.trim()}.\n` +
        'Fix: install a newer python3, or set LOCAL_AWS_PYTHON to one.',
    );
  }
  if (version.code !== 0) {
    throw new Error(`"${python}" does not run: ${tail(version.output, 5)}`);
  }
  const modules = await run(python, ['-c', 'import venv, ensurepip']);
  if (modules.code !== 0) {
    throw new Error(
      `Python (${python}) lacks the "venv"/"ensurepip" modules needed to create the emulator's ` +
        `virtual environment (${tail(modules.output, 1)}).\n` +
        'Fix (Debian/Ubuntu): `apt-get install -y python3-venv` (or the versioned package, e.g. python3.11-venv).',
    );
  }
}

/** Cross-process lock so that two processes never build the venv at the same time. */
async function withInstallLock<T>(fn: () => Promise<T>, log: (m: string) => void): Promise<T> {
  const lockDir = join(
    tmpdir(),
    `ecs-watchdog-venv-${createHash('sha1').update(VENV_DIR).digest('hex').slice(0, 12)}.lock`,
  );
  const deadline = Date.now() + 10 * 60_000;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Stale lock: its owner is gone, or it is older than 15 minutes.
      let stale = false;
      try {
        const pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
        if (pid > 0) process.kill(pid, 0);
        stale = Date.now() - statSync(lockDir).mtimeMs > 15 * 60_000;
      } catch (e) {
        stale = (e as NodeJS.ErrnoException).code === 'ESRCH';
      }
      if (stale) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for the install lock ${lockDir}`);
      if (!announced) log('another process is installing the emulator; waiting for it');
      announced = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * Make sure the pinned emulator is installed in `.venv`; returns the path to `moto_server`.
 * First run: ~30 s (python3 -m venv + pip install from PyPI). Afterwards: a hash check.
 */
export async function ensureEmulatorInstalled(log: (msg: string) => void = noop): Promise<string> {
  const hash = requirementsHash();
  if (isInstalled(hash)) return MOTO_SERVER;
  return withInstallLock(async () => {
    if (isInstalled(hash)) return MOTO_SERVER; // installed by the process we waited for
    const started = Date.now();
    if (!existsSync(VENV_PYTHON) || (await run(VENV_PYTHON, ['-c', 'import sys'])).code !== 0) {
      const python = pythonCommand();
      await checkPython(python);
      log(`creating virtual environment ${VENV_DIR}`);
      rmSync(VENV_DIR, { recursive: true, force: true });
      const venv = await run(python, ['-m', 'venv', VENV_DIR], { timeoutMs: 180_000 });
      if (venv.code !== 0 || !existsSync(VENV_PYTHON)) {
        rmSync(VENV_DIR, { recursive: true, force: true });
        throw new Error(
          `\`${python} -m venv ${VENV_DIR}\` failed:\n${tail(venv.output)}\n` +
            'Fix (Debian/Ubuntu): `apt-get install -y python3-venv`.',
        );
      }
    }
    log(`installing the local AWS emulator from ${REQUIREMENTS_FILE} (first run: about 30 s)`);
    const pip = await run(
      VENV_PYTHON,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', REQUIREMENTS_FILE],
      { timeoutMs: 15 * 60_000 },
    );
    if (pip.code !== 0 || !existsSync(MOTO_SERVER)) {
      throw new Error(
        `Installing the local AWS emulator failed (\`${VENV_PYTHON} -m pip install -r ${REQUIREMENTS_FILE}\`, ` +
          `exit ${pip.code}). It needs access to PyPI.\n${tail(pip.output)}`,
      );
    }
    writeFileSync(STAMP_FILE, `${hash}\n`);
    log(`emulator installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return MOTO_SERVER;
  }, log);
}

// ---------------------------------------------------------------- process bookkeeping

const running = new Set<ChildProcess>();
let handlersInstalled = false;

function killAllSync(): void {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  running.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAllSync();
  uninstallHandlers();
  // Restore the default behaviour (terminate) unless someone else handles the signal.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
const onSigint = (): void => onSignal('SIGINT');
const onSigterm = (): void => onSignal('SIGTERM');
const onSighup = (): void => onSignal('SIGHUP');

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllSync);
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  process.on('SIGHUP', onSighup);
}

function uninstallHandlers(): void {
  if (!handlersInstalled) return;
  handlersInstalled = false;
  process.off('exit', killAllSync);
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigterm);
  process.off('SIGHUP', onSighup);
}

// Runs moto's server with a watchdog thread that exits when the parent (this Node process) dies.
const LAUNCHER = `
import os, sys, threading, time
parent = os.getppid()
def watch():
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os._exit(0)
threading.Thread(target=watch, daemon=True, name="parent-watchdog").start()
# DynamoDB applies each request atomically; moto's threaded server does not (a conditional write can pass
# its check while another request writes the item), so concurrent writers could both win. One DynamoDB
# request at a time restores what the incident engine relies on; other services stay concurrent.
from moto.dynamodb.responses import DynamoHandler
dynamodb_request = threading.Lock()
unlocked_call_action = DynamoHandler.call_action
def call_action_atomically(self):
    with dynamodb_request:
        return unlocked_call_action(self)
DynamoHandler.call_action = call_action_atomically
from moto.server import main
sys.argv[0] = "moto_server"
main(sys.argv[1:])
`;

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

async function answers(endpoint: string, timeoutMs = 1000): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/moto-api/data.json`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

function makeLocalAws(endpoint: string, stop: () => Promise<void>): LocalAws {
  const clientConfig: LocalAwsClientConfig = {
    endpoint,
    region: LOCAL_REGION,
    credentials: { ...LOCAL_CREDENTIALS },
    maxAttempts: 2,
  };
  return {
    endpoint,
    region: LOCAL_REGION,
    credentials: { ...LOCAL_CREDENTIALS },
    clientConfig,
    reset: () => resetLocalAws(endpoint),
    stop,
  };
}

/** A LocalAws for a server started elsewhere (e.g. by the vitest global setup). `stop()` is a no-op. */
export function connectLocalAws(endpoint: string): LocalAws {
  return makeLocalAws(endpoint.replace(/\/+$/, ''), async () => {});
}

export async function resetLocalAws(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`POST ${endpoint}/moto-api/reset answered ${res.status}`);
}

/** Make moto's generated ids (subnet-…, vpc-…, task ids) repeat from run to run. */
export async function seedLocalAwsRandom(endpoint: string, seed: number): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/seed?a=${seed}`, { method: 'POST' });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`POST ${endpoint}/moto-api/seed answered ${res.status}`);
}

async function startOnce(launcherPython: string, log: (msg: string) => void, timeoutMs: number): Promise<LocalAws> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(launcherPython, ['-c', LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
  });
  running.add(child);
  installHandlers();

  let output = '';
  const debug = Boolean(process.env.LOCAL_AWS_DEBUG);
  const append = (chunk: Buffer): void => {
    if (debug) process.stderr.write(chunk); // LOCAL_AWS_DEBUG=1: show moto's request log and tracebacks
    output += chunk.toString();
    if (output.length > 50_000) output = output.slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  // Never let the server's pipes keep the event loop alive.
  (child.stdout as unknown as { unref?: () => void })?.unref?.();
  (child.stderr as unknown as { unref?: () => void })?.unref?.();
  child.unref();

  let exited = false;
  let exitInfo = '';
  const exitPromise = new Promise<void>((res) => {
    child.once('exit', (code, signal) => {
      exited = true;
      exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
      running.delete(child);
      if (running.size === 0) uninstallHandlers();
      res();
    });
  });
  child.once('error', (err) => {
    output += `\n${String(err)}`;
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exited) return;
      child.kill('SIGTERM');
      // A ref'd timer: the child and its pipes are unref'd, so this keeps the loop alive.
      let timer: NodeJS.Timeout | undefined;
      const graceful = await Promise.race([
        exitPromise.then(() => true),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(false), 3000);
        }),
      ]);
      clearTimeout(timer);
      if (!graceful && !exited) {
        child.kill('SIGKILL');
        const keepAlive = setInterval(() => {}, 1000);
        await exitPromise.finally(() => clearInterval(keepAlive));
      }
      log(`local AWS stopped (${endpoint})`);
    })();
    return stopping;
  };

  const deadline = Date.now() + timeoutMs;
  while (!(await answers(endpoint))) {
    if (exited) {
      const err = new Error(`moto_server exited before answering (${exitInfo}):\n${tail(output)}`) as Error & {
        portInUse?: boolean;
      };
      err.portInUse = /address already in use/i.test(output);
      throw err;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms:\n${tail(output)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return makeLocalAws(endpoint, stop);
}

/**
 * Start a fresh moto server (installing it first if needed). The caller must `stop()` it;
 * prefer `withLocalAws`. If LOCAL_AWS_ENDPOINT is set, that server is used instead.
 */
export async function startLocalAws(opts: LocalAwsOptions = {}): Promise<LocalAws> {
  const log = opts.log ?? noop;
  const external = process.env.LOCAL_AWS_ENDPOINT;
  if (external) {
    if (!(await answers(external.replace(/\/+$/, ''), 3000))) {
      throw new Error(`LOCAL_AWS_ENDPOINT=${external} does not answer (is the moto server running?)`);
    }
    log(`using the running local AWS at ${external}`);
    const aws = connectLocalAws(external);
    if (opts.seed !== undefined) await seedLocalAwsRandom(aws.endpoint, opts.seed);
    return aws;
  }
  await ensureEmulatorInstalled(log);
  const started = Date.now();
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const aws = await startOnce(VENV_PYTHON, log, opts.startTimeoutMs ?? 60_000);
      log(`local AWS ready at ${aws.endpoint} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (opts.seed !== undefined) await seedLocalAwsRandom(aws.endpoint, opts.seed);
      return aws;
    } catch (err) {
      lastError = err;
      if (!(err as { portInUse?: boolean }).portInUse) throw err;
      log('port taken between probing and binding; retrying on another port');
    }
  }
  throw lastError;
}

/** Run `fn` against a fresh local AWS, and always stop it afterwards (also when `fn` throws). */
export async function withLocalAws<T>(fn: (aws: LocalAws) => Promise<T>, opts: LocalAwsOptions = {}): Promise<T> {
  const aws = await startLocalAws(opts);
  try {
    return await fn(aws);
  } finally {
    await aws.stop();
  }
}

/** Environment variables that point the AWS SDK (and the AWS CLI) at a local AWS. */
export function localAwsEnv(aws: Pick<LocalAws, 'endpoint'>): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
}

/** Path to the cfn-lint installed next to moto (for template checks). */
export async function ensureCfnLint(log: (msg: string) => void = noop): Promise<string> {
  await ensureEmulatorInstalled(log);
  return join(VENV_DIR, 'bin', 'cfn-lint');
}

// `npx tsx local/emulator.ts [install|start]`: install only, or start and keep running until Ctrl-C.
if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  const cmd = process.argv[2] ?? 'install';
  const log = (m: string): void => console.error(`[local-aws] ${m}`);
  (async () => {
    if (cmd === 'install') {
      console.log(await ensureEmulatorInstalled(log));
    } else if (cmd === 'start') {
      const aws = await startLocalAws({ log });
      console.log(`export AWS_ENDPOINT_URL=${aws.endpoint} LOCAL_AWS_ENDPOINT=${aws.endpoint}`);
      console.log('running; Ctrl-C to stop');
      setInterval(() => {}, 1 << 30);
    } else {
      throw new Error(`usage: tsx local/emulator.ts [install|start]`);
    }
  })().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
