import { Command } from 'commander';
import type { CommandEnv } from '../src/io.js';

// fixed test credentials (not secrets): see src/exchange/sim-server/server.ts
const SIM_KEY = 'tradebot-sim-key';
const SIM_SECRET = 'tradebot-sim-secret';

export function simCommand(env: CommandEnv): Command {
  return new Command('sim')
    .description("Serve a simulated exchange on 127.0.0.1 that speaks Binance's spot REST API (for ccxt, bots and rehearsals)")
    .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', '0')
    .option('--data <file>', 'candle file to replay (CSV or freqtrade JSON, optionally .gz); default: a seeded random walk')
    .option('--pair <symbol>', 'market symbol of --data (default: from the file name)')
    .option('--timeframe <tf>', 'bar interval of --data (default: inferred)')
    .option('--speed <n>', 'sim time per real time, 0 to 1000000 (60: a minute per second; 0: frozen, moved by the control plane)', '1')
    .option('--start <time>', 'sim time at startup, ISO or epoch (default: now; with --data, the 501st candle: earlier ones are history)')
    .option('--balances <list>', 'starting balances, e.g. USDT=10000,BTC=0', 'USDT=10000')
    .option('--api-key <key>', 'API key clients must send', SIM_KEY)
    .option('--api-secret <secret>', 'secret clients sign with', SIM_SECRET)
    .option('--faults <file>', 'JSON or YAML list of faults to queue (see README: "tradebot sim")')
    .option('--fee <rate>', 'fee rate of notional per fill, charged in quote', '0.001')
    .option('--slippage <bps>', 'slippage against market and stop fills, in basis points', '0')
    .option('--max-volume-fraction <f>', 'fill at most this fraction of a candle volume per candle (partial fills)')
    .option('--seed <n>', 'random walk seed', '42')
    .option('--volatility <f>', 'random walk: log-return standard deviation per second (0: the price moves only when set)', '0.0005')
    .addHelpText(
      'after',
      `
Prints "listening http://127.0.0.1:PORT" and serves until SIGINT or SIGTERM.
Default credentials: key ${SIM_KEY}, secret ${SIM_SECRET} (test values, not secrets).
Control plane (JSON, loopback only): GET /__sim/state, POST /__sim/price, POST /__sim/advance,
GET|POST|DELETE /__sim/faults, GET|DELETE /__sim/requests, POST /__sim/reset. Requests other
than GET need Content-Type: application/json (else 415); inputs are bounded (an advance at most
366 days, at most 1,000 faults waiting; see README.md "On a shared machine").
Every route refuses a Host other than 127.0.0.1|localhost|[::1]:PORT (421), an Origin that is
not a loopback page (403) and a body over 1 MiB (413).

Exit codes: 0 stopped by a signal, 2 usage or input error.`,
    )
    .action(async (opts) => {
      const { runSim } = await import('../src/exchange/sim-server/run-sim.js');
      await runSim(opts, env);
    });
}
