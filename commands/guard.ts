import { UsageError } from '../src/core/errors.js';
import type { CommandEnv } from '../src/io.js';

/** Whether a person can be asked: both stdin and stdout are a terminal. */
export function interactive(env: CommandEnv): boolean {
  return Boolean(process.stdin.isTTY && env.stdout.isTTY);
}

/** Refuse at once, before anything is loaded or sent, when nobody can confirm and --yes was not given. */
export function requireConfirmable(env: CommandEnv, yes: boolean, what: string): void {
  if (!yes && !interactive(env)) throw new UsageError(`refusing to ${what} without a terminal to confirm on: pass --yes to confirm non-interactively`);
}

/**
 * The guard of every operation that moves money or orders: the summary on stderr, then a question
 * whose default is No (skipped with --yes). A "no" is a usage error: nothing was sent.
 */
export async function confirmOrRefuse(env: CommandEnv, yes: boolean, summary: string[], question: string): Promise<void> {
  env.stderr.write(`${summary.map((l) => `  ${l}`).join('\n')}\n`);
  if (yes) return;
  requireConfirmable(env, yes, question.toLowerCase().replace(/\?$/, ''));
  const { confirm } = await import('@inquirer/prompts');
  if (!(await confirm({ message: question, default: false }))) throw new UsageError('not confirmed: nothing was sent');
}
