const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
};

const SPECIFIC: Record<number, string> = {
  0: 'exited normally (success)',
  1: 'general application error: the process failed on its own (check its last log lines)',
  2: 'misuse of a shell builtin or invalid command-line arguments',
  125: 'the container runtime itself failed to run the container',
  126: 'command found but not executable (permissions, or a script without an interpreter)',
  127: 'command not found: the entrypoint or command does not exist in the image',
  128: 'invalid exit argument',
  130: 'SIGINT (128+2): interrupted',
  134: 'SIGABRT (128+6): the process aborted itself (failed assertion, abort(), fatal runtime error)',
  137: 'SIGKILL (128+9): killed. With an OutOfMemoryError reason it was the memory limit; without one, usually ECS killing it after the stop timeout (SIGTERM was ignored) or the kernel OOM killer ending a child process',
  139: 'SIGSEGV (128+11): segmentation fault (native crash, bad memory access, or a binary built for another CPU)',
  141: 'SIGPIPE (128+13): wrote to a closed pipe or socket',
  143: 'SIGTERM (128+15): asked to stop. Usually ECS stopping the task (health check, scale-in, deployment, another container exiting), not a crash by itself',
  255: 'exit status out of range (often exit(-1)) or a fatal error in the entrypoint',
};

/** What an exit code means to someone on call. */
export function explainExitCode(code: number | undefined): string {
  if (code === undefined) return 'no exit code reported (the container may never have started, or the host was lost)';
  const specific = SPECIFIC[code];
  if (specific) return specific;
  if (code > 128 && code < 160) {
    const signal = SIGNALS[code - 128];
    return `killed by signal ${code - 128}${signal ? ` (${signal})` : ''}`;
  }
  return "application-defined error code: see the application's documentation or logs";
}

/** Exit codes that usually mean someone else stopped the container (SIGTERM, or SIGKILL after the stop timeout). */
export function isStopSignal(code: number | undefined): boolean {
  return code === 143 || code === 137;
}
