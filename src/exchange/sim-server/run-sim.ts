import { UsageError } from '../../core/errors.js';
import { parseDecimal, type Dec as Decimal } from '../../core/money.js';
import { parseDate } from '../../data/parse-date.js';
import type { CommandEnv } from '../../io.js';
import { readFaultFile } from './faults.js';
import { startSim, type SimOptions } from './server.js';

/** `tradebot sim` flags as commander hands them over (strings). */
export interface SimFlags {
  port: string;
  data?: string;
  pair?: string;
  timeframe?: string;
  speed: string;
  start?: string;
  balances: string;
  apiKey?: string;
  apiSecret?: string;
  faults?: string;
  fee: string;
  slippage: string;
  maxVolumeFraction?: string;
  seed: string;
  volatility: string;
}

export async function simOptionsFromFlags(f: SimFlags): Promise<SimOptions> {
  const int = (v: string, name: string, min: number, max: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
    return n;
  };
  const number = (v: string, name: string) => parseDecimal(v, { name, allowZero: true }).toNumber();
  const o: SimOptions = {
    port: int(f.port, '--port', 0, 65535),
    speed: number(f.speed, '--speed'),
    balances: parseBalances(f.balances),
    fee: parseDecimal(f.fee, { name: '--fee', allowZero: true }),
    slippageBps: number(f.slippage, '--slippage'),
    walk: { seed: int(f.seed, '--seed', 0, 2 ** 31), volatility: number(f.volatility, '--volatility') },
  };
  if (f.data) o.data = f.data;
  if (f.pair) o.pair = f.pair;
  if (f.timeframe) o.timeframe = f.timeframe;
  if (f.start) o.start = parseDate(f.start, '--start');
  if (f.apiKey) o.apiKey = f.apiKey;
  if (f.apiSecret) o.apiSecret = f.apiSecret;
  if (f.faults) o.faults = await readFaultFile(f.faults);
  if (f.maxVolumeFraction) {
    const v = number(f.maxVolumeFraction, '--max-volume-fraction');
    if (v <= 0 || v > 1) throw new UsageError(`--max-volume-fraction must be in (0, 1], got ${f.maxVolumeFraction}`);
    o.maxVolumeFraction = v;
  }
  return o;
}

/** `USDT=10000,BTC=0` */
export function parseBalances(s: string): Record<string, Decimal> {
  const out: Record<string, Decimal> = {};
  for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z0-9]{1,20})=(.+)$/.exec(part);
    if (!m) throw new UsageError(`--balances: expected ASSET=AMOUNT, got ${JSON.stringify(part)}`);
    out[m[1]!.toUpperCase()] = parseDecimal(m[2]!, { name: `--balances ${m[1]}`, allowZero: true });
  }
  return out;
}

/** Serves until SIGINT or SIGTERM, then closes and returns (exit code 0). */
export async function runSim(flags: SimFlags, env: CommandEnv): Promise<void> {
  const sim = await startSim(await simOptionsFromFlags(flags));
  env.stdout.write(`listening ${sim.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sim.close();
}
