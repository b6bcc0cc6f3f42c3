/** The commands on the watchdog's state table (`silence`, `history`, `incidents`): usage errors exit 2. */
import { runSilence } from './silence-command';
import { UsageError } from './state-table';

export async function runStateCommand(
  command: 'silence' | 'history' | 'incidents',
  args: string[],
  write: (text: string) => void,
  warn: (line: string) => void,
): Promise<number> {
  try {
    if (command === 'silence') return await runSilence(args, write);
    const { runHistory, runIncidents } = await import('./history-command.js');
    return command === 'history' ? await runHistory(args, write) : await runIncidents(args, write);
  } catch (error) {
    const usage =
      error instanceof UsageError || (error instanceof Error && error.name === 'TypeError' && 'code' in error);
    warn(`ecs-watchdog ${command}: ${error instanceof Error ? error.message : String(error)}`);
    return usage ? 2 : 1;
  }
}
