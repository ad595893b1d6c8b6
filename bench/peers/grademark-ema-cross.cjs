// The bench's peer: grademark 0.3 (installed by bench/peers/install.js into a temp directory, never a
// dependency of tradebot) running EMA(12)/EMA(26) cross on a candle file, with the signals
// precomputed. Made as fast as grademark allows, to be a fair peer: the CSV is split by hand (not
// data-forge's parseCSV, which takes several seconds here), the signals are a field of each bar,
// and the strategy's rules only read it.
//   node bench/peers/grademark-ema-cross.cjs <peer node_modules> <file.csv>
const path = require('node:path');
const fs = require('node:fs');
const [modules, file] = process.argv.slice(2);
const dataForge = require(path.join(modules, 'data-forge'));
const { backtest, analyze } = require(path.join(modules, 'grademark'));

const lines = fs.readFileSync(file, 'utf8').split('\n');
const bars = [];
for (let i = 1; i < lines.length; i++) {
  if (lines[i] === '') continue;
  const c = lines[i].split(',');
  bars.push({ time: new Date(Number(c[0])), open: Number(c[1]), high: Number(c[2]), low: Number(c[3]), close: Number(c[4]), volume: Number(c[5]), signal: 0 });
}

// EMA seeded with the SMA of the first n closes; signal +1 on a cross up, -1 on a cross down
const ema = (n) => {
  const out = new Float64Array(bars.length).fill(NaN);
  let sum = 0;
  for (let i = 0; i < bars.length; i++) {
    if (i < n) {
      sum += bars[i].close;
      if (i === n - 1) out[i] = sum / n;
    } else out[i] = out[i - 1] * (1 - 2 / (n + 1)) + bars[i].close * (2 / (n + 1));
  }
  return out;
};
const fast = ema(12);
const slow = ema(26);
let last = NaN;
for (let i = 0; i < bars.length; i++) {
  const d = fast[i] - slow[i];
  if (Number.isNaN(d)) continue;
  const before = last;
  if (d !== 0 || Number.isNaN(before)) last = d;
  bars[i].signal = before < 0 && d > 0 ? 1 : before > 0 && d < 0 ? -1 : 0;
}
const input = new dataForge.DataFrame(bars.slice(26));

const trades = backtest(
  {
    entryRule: (enter, args) => {
      if (args.bar.signal > 0) enter({ direction: 'long' });
    },
    exitRule: (exit, args) => {
      if (args.bar.signal < 0) exit();
    },
  },
  input,
);
const analysis = analyze(10_000, trades);
process.stdout.write(`${JSON.stringify({ trades: trades.length, finalCapital: analysis.finalCapital })}\n`);
