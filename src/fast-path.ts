import { cachedHelp } from './help-cache.js';
import { VERSION } from './version.js';

/**
 * `tradebot --version` and `tradebot --help` answered without loading the program (commander and
 * every command module): the launcher asks here first. Returns true when it answered.
 */
export function answer(argv: readonly string[], out: NodeJS.WriteStream): boolean {
  const args = argv.slice(2);
  if (args.length !== 1) return false;
  let text: string | null = null;
  if (args[0] === '--version' || args[0] === '-V') text = `${VERSION}\n`;
  else if (args[0] === '--help' || args[0] === '-h') text = cachedHelp(out);
  if (text === null) return false;
  // a reader that goes away (`| head`) is not an error, as in cli.ts
  out.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  out.write(text);
  return true;
}
