#!/usr/bin/env node
// Order round trips per second through real ccxt (binance) against the loopback simulator:
// each round trip is create (limit, resting) + fetch + cancel. Needs a build: npx tsc -p tsconfig.json
//   node bench/sim-orders.js [round-trips=500] [--json]
import { startSim, SIM_API_KEY, SIM_API_SECRET } from '../dist/src/exchange/sim-server/server.js';
import { makeCcxt } from '../dist/src/exchange/make-ccxt.js';

const json = process.argv.includes('--json');
const n = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 500);
const sim = await startSim({ walk: { symbols: [{ symbol: 'BTC/USDT', price: 30000 }], volatility: 0 }, balances: { USDT: 1e9 } });
try {
  // ccxt's rate limiter stays on, with a 1 ms spacing so that it does not dominate the figure
  const ex = await makeCcxt({ id: 'binance', apiUrl: sim.url, rateLimit: 1, env: { TRADEBOT_API_KEY: SIM_API_KEY, TRADEBOT_API_SECRET: SIM_API_SECRET } });
  await ex.loadMarkets();
  const once = async (i) => {
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 20000, { clientOrderId: `bench-${i}` });
    await ex.fetchOrder(o.id, 'BTC/USDT');
    await ex.cancelOrder(o.id, 'BTC/USDT');
  };
  for (let i = 0; i < 20; i++) await once(`warm-${i}`);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await once(i);
  const s = (performance.now() - t0) / 1000;
  const rt = n / s;
  if (json) console.log(JSON.stringify({ roundTripsPerSec: rt, msEach: 1000 / rt, roundTrips: n }));
  else console.log(`sim order round trips (create+fetch+cancel via ccxt): ${rt.toFixed(0)}/s, ${(1000 / rt).toFixed(2)} ms each, ${(3 * rt).toFixed(0)} requests/s (${n} round trips)`);
} finally {
  await sim.close();
}
