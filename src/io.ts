/**
 * What a command needs from its surroundings, passed in rather than reached for, so that tests
 * can run commands against buffers and temp dirs.
 */
export interface CommandEnv {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean; columns?: number });
  stderr: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean; columns?: number });
}

/** Color only on a terminal, never with NO_COLOR, never in --json output. */
export function useColor(env: CommandEnv, stream: 'stdout' | 'stderr' = 'stdout'): boolean {
  if (env.env.NO_COLOR !== undefined && env.env.NO_COLOR !== '') return false;
  if (env.env.FORCE_COLOR !== undefined && env.env.FORCE_COLOR !== '0') return true;
  return Boolean(env[stream].isTTY);
}

export function processEnv(): CommandEnv {
  return { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr };
}
