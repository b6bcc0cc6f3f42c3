/** Reading a container health check command (`["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"]`). */

const LOCAL_URL = /https?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(\d+))?(\/[^\s'"|;&)]*)?/i;

/** The local HTTP port and path a check calls, when it calls one (curl, wget, httpie, a script's URL argument). */
export function httpCheckTarget(command: string[]): { port?: number; path?: string } | undefined {
  const match = LOCAL_URL.exec(command.slice(1).join(' '));
  if (!match) return undefined;
  return { port: match[1] === undefined ? undefined : Number(match[1]), path: match[2] || '/' };
}

const SHELL_SYNTAX = /\|\||&&|[|;><`$]/;

/**
 * The exec form (`CMD`) runs its first argument as a program without a shell: a whole command line in
 * one string (`["CMD", "curl -f http://localhost/ || exit 1"]`) names a program that does not exist, and
 * shell operators as separate arguments (`"||"`) are passed to the program verbatim. Either way the check
 * can never pass. `CMD-SHELL` runs the string with /bin/sh.
 */
export function execFormMistake(command: string[]): string | undefined {
  if (command[0] !== 'CMD' || command.length < 2) return undefined;
  const program = command[1] as string;
  if (/\s/.test(program.trim())) return `the exec form CMD runs "${program}" as one program name, which does not exist`;
  const operator = command.slice(2).find((arg) => SHELL_SYNTAX.test(arg) && arg.trim().length <= 2);
  if (operator) return `the exec form CMD passes "${operator}" to ${program} as an argument (there is no shell)`;
  return undefined;
}

/** Container ports of the task definition's port mappings (`8080/tcp`, `80->8080/tcp`). */
export function containerPorts(portMappings: string[]): number[] {
  return portMappings
    .map((m) => Number(/(\d{1,5})\/\w{1,10}$/.exec(m)?.[1]))
    .filter((p) => Number.isInteger(p) && p > 0);
}
