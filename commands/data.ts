import { Command, Option } from 'commander';
import type { CommandEnv } from '../src/io.js';
import type { FlagMap } from './options.js';

/** Flags with a config key; only flags given on the command line override the config. */
const FLAGS: FlagMap = {
  exchange: { path: 'exchange.id', kind: 'string' },
  exchangeUrl: { path: 'exchange.apiUrl', kind: 'string' },
  pair: { path: 'pair', kind: 'string' },
  timeframe: { path: 'timeframe', kind: 'string' },
  home: { path: 'home', kind: 'string' },
};
/** download takes several timeframes: its --timeframe is read by the action, not as the config's single one. */
const DOWNLOAD_FLAGS: FlagMap = { exchange: FLAGS.exchange!, exchangeUrl: FLAGS.exchangeUrl!, pair: FLAGS.pair!, home: FLAGS.home! };

const FORMATS_HELP = `
Import formats: CSV timestamp,open,high,low,close,volume (header optional; epoch s, epoch ms or
ISO 8601 times) and freqtrade JSON [[ts_ms, open, high, low, close, volume], ...], either
optionally gzipped (.gz). freqtrade's feather (and parquet) files are NOT supported: convert them
with \`freqtrade convert-data --format-from feather --format-to json\` first.`;

const CACHE_HELP = `
Cache: <home>/cache/<exchange>/<BASE>_<QUOTE>-<tf>.tbc, home = --home, config \`home\`,
TRADEBOT_HOME, else the platform data dir (~/.local/share/tradebot on Linux).`;

const EXIT_HELP = `
Exit codes: 0 ok, 1 problems found with --strict (check), 2 usage or input error, 4 exchange error
(some downloads failed), 5 the cache or home could not be read or written, or the cache stayed
locked by another writer, 130 interrupted.`;

/** A subcommand on one market: --exchange and --pair come first in its help. */
function market(name: string, description: string, pairHelp = 'market symbol, e.g. BTC/USDT (config pair)'): Command {
  return new Command(name)
    .description(description)
    .option('--exchange <id>', 'ccxt exchange id, e.g. binance (config exchange.id)')
    .option('--pair <symbol>', pairHelp);
}

/** Options every data subcommand ends with. */
function common(cmd: Command): Command {
  return cmd
    .option('--home <dir>', 'tradebot home directory, holding the cache (config home; default: TRADEBOT_HOME or the platform data dir)')
    .option('--config <file>', 'config file (default: search tradebot.config.yaml, .tradebotrc.yaml, .tradebotrc.json, package.json#tradebot)')
    .addOption(new Option('--debug', 'print stack traces for errors').default(false));
}

async function act(env: CommandEnv, name: 'download' | 'list' | 'import' | 'export' | 'resample' | 'check', cmd: Command, flags: FlagMap): Promise<void> {
  const actions = await import('./data-action.js');
  await actions.dataAction(name, cmd, flags, env);
}

export function dataCommand(env: CommandEnv): Command {
  const data = new Command('data').description('Download, cache and inspect candles from any ccxt exchange');

  data.addCommand(
    common(
      market('download', 'Download candles into the cache: only what is missing; resumes where an interrupted run stopped', 'market symbol(s), e.g. BTC/USDT or BTC/USDT,ETH/USDT (config pair)')
        .option('--timeframe <tf>', 'bar interval(s), e.g. 1m or 1m,5m (config timeframe)')
        .option('--from <date>', 'first candle open time (ISO date or epoch)')
        .option('--to <date>', 'last candle open time, inclusive (default: the last closed candle)')
        .option('--exchange-url <url>', "re-point the exchange's REST URLs, e.g. the loopback simulator (config exchange.apiUrl)")
        .option('--json', 'print one JSON document: per pair and timeframe what was fetched, candles added, gaps, failures', false)
    )
      .addHelpText(
        'after',
        `
--pair takes several pairs separated by commas (BTC/USDT,ETH/USDT). Only what the cache does not
know is fetched: a hole left between two downloads is filled; a gap the exchange itself has (asked
for, nothing returned) is remembered and not asked for again. The still-forming candle is never
stored. Pages are written to the cache every few pages: Ctrl+C (exit 130; a second Ctrl+C quits
at once) or a crash loses at most the last few, and the same command resumes. Network errors and
rate limits are retried with backoff; a pair that keeps failing is reported and the others
continue (exit 4 at the end); an IP ban (418) stops the whole download at once (exit 4).
Two downloads (or an import) writing one cache file take turns on its lock: nothing is lost; a
writer that waits over 60 s for another exits 5.
${CACHE_HELP}
${EXIT_HELP}`,
      )
      .action(async (_o, cmd: Command) => act(env, 'download', cmd, DOWNLOAD_FLAGS)),
  );

  data.addCommand(
    common(new Command('list').description('List the cached candles: exchange, pair, timeframe, first, last, count, gaps').option('--json', 'print as JSON', false))
      .addHelpText('after', `${CACHE_HELP}\n${EXIT_HELP}`)
      .action(async (_o, cmd: Command) => act(env, 'list', cmd, FLAGS)),
  );

  data.addCommand(
    common(
      market('import', 'Import a candle file into the cache (candles already cached are kept)')
        .argument('<file>', 'CSV or freqtrade JSON candle file, optionally .gz')
        .option('--timeframe <tf>', 'bar interval of the file, e.g. 5m (config timeframe)')
    )
      .addHelpText('after', `${FORMATS_HELP}\n${CACHE_HELP}\n${EXIT_HELP}`)
      .action(async (_file, _o, cmd: Command) => act(env, 'import', cmd, FLAGS)),
  );

  data.addCommand(
    common(
      market('export', 'Write cached candles as CSV or freqtrade JSON (stdout by default)')
        .option('--timeframe <tf>', 'bar interval, e.g. 5m (config timeframe)')
        .addOption(new Option('--format <format>', 'csv (timestamp_ms,open,high,low,close,volume) or json (freqtrade array form)').choices(['csv', 'json']).default('csv'))
        .option('--out <file>', 'write to this file instead of stdout')
        .option('--from <date>', 'first candle open time to include')
        .option('--to <date>', 'last candle open time to include')
    )
      .addHelpText('after', `${CACHE_HELP}\n${EXIT_HELP}`)
      .action(async (_o, cmd: Command) => act(env, 'export', cmd, FLAGS)),
  );

  data.addCommand(
    common(
      market('resample', 'Build a higher timeframe from a lower cached one (e.g. 5m from 1m)')
        .option('--from-timeframe <tf>', 'the cached source timeframe, e.g. 1m')
        .option('--timeframe <tf>', 'the timeframe to build, a multiple of the source, e.g. 5m (config timeframe)')
    )
      .addHelpText(
        'after',
        `
Buckets start on the epoch (weeks on Monday 00:00 UTC). open = first open, high = max, low = min,
close = last close, volume = sum. A bucket with a gap inside the source data is built from the
candles present (as the exchange builds it); a bucket cut by the start or end of the source data
is left out unless complete. Candles already cached at the target timeframe are kept.
${CACHE_HELP}
${EXIT_HELP}`,
      )
      .action(async (_o, cmd: Command) => act(env, 'resample', cmd, FLAGS)),
  );

  data.addCommand(
    common(
      market('check', 'Report gaps, duplicates, rows out of order, zero-volume runs and OHLC violations')
        .argument('[file]', 'a candle file to check instead of the cache')
        .option('--timeframe <tf>', 'bar interval (config timeframe; for a file: default inferred)')
        .option('--strict', 'exit 1 when any problem is found', false)
        .option('--json', 'print the report as JSON', false)
    )
      .addHelpText('after', `\nChecks the cache of --exchange/--pair/--timeframe, or FILE.\n${FORMATS_HELP}\n${EXIT_HELP}`)
      .action(async (_file, _o, cmd: Command) => act(env, 'check', cmd, FLAGS)),
  );

  for (const c of data.commands) c.exitOverride().configureOutput({ writeOut: (s) => env.stdout.write(s), writeErr: (s) => env.stderr.write(s) });
  return data.exitOverride();
}
