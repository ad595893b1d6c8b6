/// <reference types="uplot" />
// The page's data (src/report/html/report-data.ts) and its decoding. Packed columns are zig-zag
// varints in base64 (src/report/html/pack-ints.ts), delta-coded where noted there.

// The embedded data's types are the server's (src/report/html/page-data.d.ts): one contract.
type PackedLevel = import('../page-data.js').PackedLevel;
type PackedLine = import('../page-data.js').PackedLine;
type PackedTrades = import('../page-data.js').PackedTrades;
type ObjectiveGrid = import('../page-data.js').ObjectiveGrid;
type ReportData = import('../page-data.js').ReportData;

/** Candles of one level, times in seconds (uPlot's unit). */
interface Level {
  timeframe: string;
  tfMs: number;
  time: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  equity: number[] | null;
}

interface Line {
  time: number[];
  values: number[][];
}

interface Trade {
  n: number;
  symbol: string;
  entry: number;
  exit: number | null;
  held: number | null;
  entryPrice: string;
  exitPrice: string | null;
  qty: string;
  fees: string;
  pnl: string;
  ret: number;
  reason: string | null;
}

function unpackInts(text: string): number[] {
  const bin = atob(text);
  const out: number[] = [];
  let z = 0;
  let mul = 1;
  for (let i = 0; i < bin.length; i++) {
    const b = bin.charCodeAt(i);
    z += (b & 127) * mul;
    if (b < 128) {
      out.push(z % 2 === 0 ? z / 2 : -(z + 1) / 2);
      z = 0;
      mul = 1;
    } else mul *= 128;
  }
  return out;
}

function undelta(values: number[]): number[] {
  let acc = 0;
  return values.map((d) => (acc += d));
}

function decodeLevel(p: PackedLevel, priceScale: number, equityScale: number): Level {
  const ints = unpackInts(p.candles);
  const n = p.bars;
  const lv: Level = { timeframe: p.timeframe, tfMs: p.tfMs, time: [], open: [], high: [], low: [], close: [], equity: null };
  let t = p.t0;
  let prevClose = 0;
  for (let i = 0; i < n; i++) {
    const j = i * 5;
    t += ints[j]! * p.tfMs;
    const o = prevClose + ints[j + 1]!;
    const c = o + ints[j + 2]!;
    const hi = Math.max(o, c) + ints[j + 3]!;
    const lo = Math.min(o, c) - ints[j + 4]!;
    lv.time.push(t / 1000);
    lv.open.push(o / priceScale);
    lv.close.push(c / priceScale);
    lv.high.push(hi / priceScale);
    lv.low.push(lo / priceScale);
    prevClose = c;
  }
  if (p.equity !== null) lv.equity = undelta(unpackInts(p.equity)).map((v) => v / equityScale);
  return lv;
}

function decodeLine(p: PackedLine): Line {
  const time = undelta(unpackInts(p.t)).map((v) => (p.t0 + v * p.tUnit) / 1000);
  return { time, values: p.values.map((col) => undelta(unpackInts(col)).map((v) => v / p.scale)) };
}

function decodeTrades(p: PackedTrades): Trade[] {
  const symbol = unpackInts(p.symbol);
  const entry = undelta(unpackInts(p.entry));
  const held = unpackInts(p.held);
  const ret = unpackInts(p.ret);
  const reason = unpackInts(p.reason);
  const out: Trade[] = [];
  for (let i = 0; i < p.count; i++) {
    const h = held[i]!;
    out.push({
      n: i + 1,
      symbol: p.symbols[symbol[i]!] ?? '',
      entry: entry[i]!,
      exit: h < 0 ? null : entry[i]! + h,
      held: h < 0 ? null : h,
      entryPrice: p.entryPrice[i]!,
      exitPrice: p.exitPrice[i] ?? null,
      qty: p.qty[i]!,
      fees: p.fees[i]!,
      pnl: p.pnl[i]!,
      ret: ret[i]! / 1e6,
      reason: reason[i]! < 0 ? null : (p.reasons[reason[i]!] ?? null),
    });
  }
  return out;
}
