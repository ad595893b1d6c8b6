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

/**
 * The width of a terminal stream, or undefined when it has none. A pseudo-terminal of 0 columns
 * (docker, CI, `script`) is not a terminal width: sizing output to it cuts every line to nothing,
 * and a spinner dividing by it redraws forever.
 */
export function terminalColumns(stream: CommandEnv['stdout']): number | undefined {
  const c = stream.columns;
  return typeof c === 'number' && Number.isFinite(c) && c > 0 ? c : undefined;
}

export function processEnv(): CommandEnv {
  return { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr };
}
