import { Command, CommanderError } from 'commander';
import { ExitCode, TradebotError, AssertionFailedError } from './core/errors.js';
import { VERSION } from './version.js';
import { processEnv, type CommandEnv } from './io.js';
import { redact } from './secrets.js';
import { commanderErrorLine } from '../commands/commander-errors.js';
import { refuseRepeatedOptions } from '../commands/single-value-options.js';
import { environmentError, isEnvironmentError } from './store/environment-error.js';

type CommandFactory = (env: CommandEnv) => Command;

/**
 * Every command, in the order --help lists them, each loaded only when it is needed: a command
 * line that names one command loads that command's module alone (the rest of the program is
 * never read from disk); --help, `help` and a mistyped name load them all.
 */
const COMMANDS: readonly (readonly [string, () => Promise<CommandFactory>])[] = [
  ['backtest', async () => (await import('../commands/backtest.js')).backtestCommand],
  ['optimize', async () => (await import('../commands/optimize.js')).optimizeCommand],
  ['walk-forward', async () => (await import('../commands/walk-forward.js')).walkForwardCommand],
  ['strategies', async () => (await import('../commands/strategies.js')).strategiesCommand],
  ['config', async () => (await import('../commands/config.js')).configCommand],
  ['paper', async () => (await import('../commands/paper.js')).paperCommand],
  ['live', async () => (await import('../commands/live.js')).liveCommand],
  ['sim', async () => (await import('../commands/sim.js')).simCommand],
  ['data', async () => (await import('../commands/data.js')).dataCommand],
  ['status', async () => (await import('../commands/status.js')).statusCommand],
  ['bots', async () => (await import('../commands/status.js')).botsCommand],
  ['stop', async () => (await import('../commands/control.js')).stopCommand],
  ['pause', async () => (await import('../commands/control.js')).pauseCommand],
  ['resume', async () => (await import('../commands/control.js')).resumeCommand],
  ['forceexit', async () => (await import('../commands/control.js')).forceexitCommand],
  ['logs', async () => (await import('../commands/logs.js')).logsCommand],
  ['trades', async () => (await import('../commands/history.js')).tradesCommand],
  ['profit', async () => (await import('../commands/history.js')).profitCommand],
  ['state', async () => (await import('../commands/state.js')).stateCommand],
  ['orders', async () => (await import('../commands/orders.js')).ordersCommand],
  ['reconcile', async () => (await import('../commands/reconcile.js')).reconcileCommand],
  ['panic', async () => (await import('../commands/panic.js')).panicCommand],
  ['notify', async () => (await import('../commands/notify.js')).notifyCommand],
  ['signal', async () => (await import('../commands/signal.js')).signalCommand],
  ['report', async () => (await import('../commands/report.js')).reportCommand],
  ['parity', async () => (await import('../commands/parity.js')).parityCommand],
];

/** The commands a command line needs: the one it names, or all of them. */
export async function commandsFor(argv: readonly string[]): Promise<CommandFactory[]> {
  const first = argv.slice(2).find((a) => !a.startsWith('-'));
  const named = COMMANDS.filter(([name]) => name === first);
  return Promise.all((named.length > 0 ? named : COMMANDS).map(([, load]) => load()));
}

const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    an --assert condition failed or --baseline found a regression
  2    usage or input error (bad flag, config, data file, strategy parameter)
  3    internal error (a bug: please report it, with --debug output)
  4    exchange error
  5    state file or lock error, or the environment: a home directory that is a file or
       cannot be created or written, a full or read-only disk (the path is named)
  130  interrupted (Ctrl+C)`;

/** The commander program with the given commands (all of them, unless the caller knows better). */
export async function buildProgram(env: CommandEnv, commands?: CommandFactory[]): Promise<Command> {
  const program = new Command('tradebot')
    .description('Backtest, paper trade and trade live on any ccxt exchange, with one engine for all three.')
    .version(VERSION, '-V, --version', 'print the version')
    .option('--debug', 'print stack traces for errors', false)
    .addHelpText('after', EXIT_CODES_HELP);
  for (const make of commands ?? (await commandsFor(['node', 'tradebot']))) program.addCommand(make(env));
  configureCommands(program, env);
  refuseRepeatedOptions(program);
  return program;
}

/**
 * What every command shares, set once on the whole tree: errors go to the exit-code mapper
 * (exitOverride), commander's usage errors read as one `tradebot:` line with a suggestion, and
 * --debug is listed in each command's --help.
 */
function configureCommands(cmd: Command, env: CommandEnv): void {
  cmd
    .exitOverride()
    .showHelpAfterError(false)
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => env.stdout.write(s),
      writeErr: (s) => env.stderr.write(s),
      outputError: (s) => env.stderr.write(commanderErrorLine(s, cmd)),
    });
  if (!cmd.options.some((o) => o.long === '--debug')) cmd.option('--debug', 'print stack traces for errors');
  for (const sub of cmd.commands) configureCommands(sub, env);
}

/** Runs the CLI and maps every outcome to an exit code: the one place that does. */
export async function run(argv: readonly string[], env: CommandEnv): Promise<number> {
  const program = await buildProgram(env, await commandsFor(argv));
  const debug = argv.includes('--debug');
  if (argv.slice(2).every((a) => a === '--debug')) {
    // no command: usage on stderr, as for any other usage error
    env.stderr.write(program.helpInformation());
    return ExitCode.usage;
  }
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (err) {
    return reportError(err, env, debug);
  }
}

export function reportError(err: unknown, env: CommandEnv, debug: boolean): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.ok;
    // help shown because a command needs a subcommand is a usage error, asked-for help is not
    if (err.code === 'commander.help') return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    return ExitCode.usage; // commander already printed its one-line message
  }
  if (err instanceof AssertionFailedError) {
    for (const line of err.lines) env.stderr.write(`${line}\n`);
    return err.exitCode;
  }
  if (err instanceof TradebotError) {
    env.stderr.write(`tradebot: ${redact(oneLine(err.message))}\n`);
    if (debug && err.stack) env.stderr.write(`${redact(err.stack)}\n`);
    return err.exitCode;
  }
  if (isPromptExit(err)) return ExitCode.interrupted;
  if (isEnvironmentError(err)) {
    // the machine's fault (a home that is a file, a read-only disk): exit 5 naming the path
    const mapped = environmentError(err);
    env.stderr.write(`tradebot: ${redact(oneLine(mapped.message))}\n`);
    if (debug && err.stack) env.stderr.write(`${redact(err.stack)}\n`);
    return mapped.exitCode;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  env.stderr.write(`tradebot: internal error: ${redact(oneLine(e.message))}${debug ? '' : ' (run with --debug for the stack trace)'}\n`);
  if (debug && e.stack) env.stderr.write(`${redact(e.stack)}\n`);
  return ExitCode.internal;
}

function isPromptExit(err: unknown): boolean {
  return err instanceof Error && err.name === 'ExitPromptError';
}

function oneLine(s: string): string {
  const first = s.split('\n').find((l) => l.trim() !== '') ?? s;
  return first.trim();
}

export async function main(argv: readonly string[]): Promise<void> {
  // A reader that goes away (`| head`) is not an error of ours: stop quietly, like other CLI tools.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(ExitCode.ok);
      throw err;
    });
  }
  const code = await run(argv, processEnv());
  process.exitCode = code;
}
