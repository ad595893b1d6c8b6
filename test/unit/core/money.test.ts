/**
 * The exact money type, checked against values worked out by hand or by an independent oracle
 * (JavaScript's own correctly rounded string-to-number conversion, BigInt integer arithmetic).
 */
import { describe, expect, it } from 'vitest';
import { Dec, ZERO, parseDecimal } from '../../../src/core/money.js';
import { marketFor, roundAmount, roundPrice } from '../../../src/core/market.js';
import { Portfolio } from '../../../src/core/portfolio.js';
import { newOrder, restoreOrder, serializeOrder, serializeFill, restoreFill, type Fill } from '../../../src/core/orders.js';
import { SimExchange } from '../../../src/exchange/sim-exchange.js';
import { bars } from '../../support/candles.js';

const d = (x: string | number) => new Dec(x);
const s = (x: Dec) => x.toFixed();

/** A small deterministic generator, so a failure names a reproducible case. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('Dec: reading and writing decimal text', () => {
  it('keeps every digit it is given, and writes the canonical form (no exponent, no trailing zeros)', () => {
    for (const [input, out] of [
      ['0.00000001', '0.00000001'],
      ['1e-8', '0.00000001'],
      ['123456789012345678901234.5678901234', '123456789012345678901234.5678901234'],
      ['-0.50', '-0.5'],
      ['+7', '7'],
      ['1500', '1500'],
      ['1.5e3', '1500'],
      ['.25', '0.25'],
      ['-0', '0'],
      ['0.000', '0'],
    ] as const) {
      expect(s(d(input)), input).toBe(out);
    }
  });

  it('reads a float at its shortest round-trip form, as String(x) writes it', () => {
    expect(s(d(0.1))).toBe('0.1');
    expect(s(d(0.1 + 0.2))).toBe('0.30000000000000004');
    expect(s(d(1e21))).toBe('1000000000000000000000');
    expect(s(d(1.5e-7))).toBe('0.00000015');
    expect(s(d(-0))).toBe('0');
    expect(s(d(104523.45))).toBe('104523.45');
  });

  it('refuses NaN, Infinity and text that is not a number', () => {
    for (const bad of [NaN, Infinity, -Infinity]) expect(() => d(bad), String(bad)).toThrow(RangeError);
    for (const bad of ['', 'abc', '1.2.3', 'NaN', 'Infinity', '0x10', '1e']) expect(() => d(bad), bad).toThrow(RangeError);
  });

  it('writes far exponents in exponential notation only in toString, never in toFixed', () => {
    expect(d('1e-31').toString()).toBe('1e-31');
    expect(d('1e-30').toString()).toBe('1e-30');
    expect(d('1e-29').toString()).toBe('0.00000000000000000000000000001');
    expect(d('1.25e40').toString()).toBe('1.25e+40');
    expect(d('1e39').toString()).toBe('1' + '0'.repeat(39));
    expect(d('1.25e40').toFixed()).toBe('125' + '0'.repeat(38));
  });

  it('toFixed(dp) pads and rounds half to even, and keeps the sign of a negative value that rounds to zero', () => {
    expect(d('2.5').toFixed(0)).toBe('2');
    expect(d('3.5').toFixed(0)).toBe('4');
    expect(d('1.005').toFixed(2)).toBe('1.00');
    expect(d('1.015').toFixed(2)).toBe('1.02');
    expect(d('7').toFixed(3)).toBe('7.000');
    expect(d('1500').toFixed(0)).toBe('1500');
    expect(d('-0.0001').toFixed(2)).toBe('-0.00');
    expect(d('0.1').toFixed(2, Dec.ROUND_UP)).toBe('0.10');
  });

  it('round-trips: text → Dec → text → Dec is the identity, for 10,000 random values', () => {
    const r = lcg(7);
    for (let i = 0; i < 10_000; i++) {
      const text = `${r() < 0.3 ? '-' : ''}${Math.floor(r() * 1e9)}.${String(Math.floor(r() * 1e9)).padStart(9, '0')}${Math.floor(r() * 1e6)}`.replace(/\.?0+$/, '');
      const once = d(text);
      expect(s(once)).toBe(text.replace(/^(-?)0+(?=\d)/, '$1'));
      expect(d(s(once)).eq(once)).toBe(true);
    }
  });
});

describe('Dec: arithmetic', () => {
  it('adds, subtracts and multiplies exactly', () => {
    expect(s(d('0.1').plus('0.2'))).toBe('0.3');
    expect(s(d('10000').minus('9999.99999999'))).toBe('0.00000001');
    expect(s(d('-1.5').plus('1.5'))).toBe('0');
    expect(d('0.1').plus('0.2').eq('0.3')).toBe(true);
    // a 24-digit quantity times a price: all 32 digits of the notional, and of its fee
    const qty = d('0.0956772134503276145632871');
    const notional = qty.mul('104523.45');
    expect(s(notional)).toBe('10000.512436214645904425011032495');
    expect(s(notional.mul('0.001'))).toBe('10.000512436214645904425011032495');
    expect(s(d('10000').minus(notional.plus(notional.mul('0.001'))))).toBe('-10.512948650860550329436043527495');
  });

  it('loses no precision past 2^53', () => {
    const big = d('9007199254740993'); // 2^53 + 1: not a float
    expect(s(big)).toBe('9007199254740993');
    expect(s(big.plus(1))).toBe('9007199254740994');
    expect(s(big.mul(3))).toBe('27021597764222979');
    // a balance of 21 million BTC in satoshis, plus one satoshi
    expect(s(d('2100000000000000').plus('0.00000001'))).toBe('2100000000000000.00000001');
    // summing a million one-satoshi fills is exact
    let sum = ZERO;
    const sat = d('0.00000001');
    for (let i = 0; i < 1_000_000; i++) sum = sum.plus(sat);
    expect(s(sum)).toBe('0.01');
  });

  it('rounds a sum or product only past 60 significant digits, half to even', () => {
    const e59 = d('1e59'); // 60 digits
    expect(s(e59.plus('0.5'))).toBe('1' + '0'.repeat(59)); // 61 digits, a tie: to even
    expect(s(e59.plus('1.5'))).toBe('1' + '0'.repeat(58) + '2');
    expect(s(e59.plus('0.25'))).toBe('1' + '0'.repeat(59));
    expect(s(e59.plus('1.75'))).toBe('1' + '0'.repeat(58) + '2');
    const a = d('1.23456789012345678901234');
    expect(s(a.mul(a))).toBe('1.5241578753238836750495211342784374345526722756'); // all 47 digits
  });

  it('handles very large and very small amounts', () => {
    expect(s(d('1e-20').mul('1e-20'))).toBe('0.' + '0'.repeat(39) + '1');
    expect(s(d('1e30').mul('1e30'))).toBe('1' + '0'.repeat(60));
    expect(s(d('1e30').plus('1e-30'))).toBe('1' + '0'.repeat(30)); // 61 digits rounded to 24
    expect(s(d('0.000000000001').div('3'))).toBe('0.000000000000333333333333333333333333');
  });

  it('divides correctly rounded to 24 significant digits, half to even', () => {
    expect(s(d(2).div(3))).toBe('0.666666666666666666666667');
    expect(s(d(1).div(3))).toBe('0.333333333333333333333333');
    expect(s(d(1).div(8))).toBe('0.125');
    expect(s(d(-2).div(3))).toBe('-0.666666666666666666666667');
    // exact ties at the 25th digit
    expect(s(d('1000000000000000000000005').div(10))).toBe('100000000000000000000000');
    expect(s(d('1000000000000000000000015').div(10))).toBe('100000000000000000000002');
    // an average price: 3 fills' cost over their quantity
    expect(s(d('100.5').plus('101.25').plus('99.75').div(3))).toBe('100.5');
    expect(() => d(1).div(0)).toThrow(RangeError);
  });

  it('divides correctly rounded for 2,000 random quotients (checked with BigInt long division)', () => {
    const r = lcg(11);
    for (let i = 0; i < 2_000; i++) {
      const a = BigInt(Math.floor(r() * 1e15) + 1) * 10n ** BigInt(Math.floor(r() * 10));
      const b = BigInt(Math.floor(r() * 1e9) + 1);
      // quotient digits: long division to 40 places, then rounding to 24 significant digits by hand
      const q = (a * 10n ** 40n) / b;
      const rem = (a * 10n ** 40n) % b;
      const digitsQ = q.toString().length;
      const expected = roundHalfEven(q, digitsQ, 24, 40, rem !== 0n);
      expect(s(new Dec(a).div(new Dec(b))), `${a}/${b}`).toBe(expected);
    }
  });

  it('mod, floor, ceil and round are exact', () => {
    expect(s(d('-7').mod(2))).toBe('-1');
    expect(s(d('0.00123').mod('0.0001'))).toBe('0.00003');
    expect(d('0.3').mod('0.1').isZero()).toBe(true);
    expect(s(d('-1.5').floor())).toBe('-2');
    expect(s(d('-1.5').ceil())).toBe('-1');
    expect(s(d('2.5').round())).toBe('2');
    expect(s(d('123456789012345678901234567.9').floor())).toBe('123456789012345678901234567');
  });

  it('compares values whatever their scale', () => {
    expect(d('1.50').eq('1.5')).toBe(true);
    expect(d('1.5').mul(2).eq(3)).toBe(true);
    expect(d('-0.1').lt(0)).toBe(true);
    expect(d('0.30000000000000004').gt('0.3')).toBe(true);
    expect(Dec.min(d(3), d('2.9999'), d(5)).toFixed()).toBe('2.9999');
    expect(Dec.max(d(3), d('2.9999'), d(5)).toFixed()).toBe('5');
  });

  it('toNumber is correctly rounded (the same float as parsing its decimal text)', () => {
    const r = lcg(3);
    for (let i = 0; i < 20_000; i++) {
      const x = d(r() * 1e6).div(d(Math.floor(r() * 1e4) + 1)).mul(r() < 0.5 ? '1e-9' : '1');
      expect(x.toNumber(), x.toFixed()).toBe(Number(x.toFixed()));
    }
    expect(d('9007199254740993').toNumber()).toBe(9007199254740992);
    expect(d('0.1').plus('0.2').toNumber()).toBe(0.3);
  });
});

describe('Dec: rounding at the exchange step and tick', () => {
  const m = marketFor('BTC/USDT', { amountStep: d('0.00001'), priceTick: d('0.01') });

  it('rounds quantities down to the step, never up', () => {
    expect(s(roundAmount(m, d('0.123456789')))).toBe('0.12345');
    expect(s(roundAmount(m, d('0.00000999')))).toBe('0');
    expect(s(roundAmount(m, d('0.1')))).toBe('0.1');
    expect(s(roundAmount(m, d('1234.999999999999999999999999')))).toBe('1234.99999');
  });

  it('rounds prices to the tick: down for buys, up for sells, half up otherwise', () => {
    expect(s(roundPrice(m, d('100.005'), 'buy'))).toBe('100');
    expect(s(roundPrice(m, d('100.001'), 'sell'))).toBe('100.01');
    expect(s(roundPrice(m, d('100.005')))).toBe('100.01');
    expect(s(roundPrice(m, d('100.0049')))).toBe('100');
  });

  it('toStep rounds to any step in any direction, exactly', () => {
    expect(s(d('7.3').toStep(d('0.25'), Dec.ROUND_DOWN))).toBe('7.25');
    expect(s(d('7.3').toStep(d('0.25'), Dec.ROUND_UP))).toBe('7.5');
    expect(s(d('-7.3').toStep(d('0.25'), Dec.ROUND_FLOOR))).toBe('-7.5');
    expect(s(d('7.375').toStep(d('0.25'), Dec.ROUND_HALF_EVEN))).toBe('7.5');
    expect(s(d('7.125').toStep(d('0.25'), Dec.ROUND_HALF_EVEN))).toBe('7');
  });

  it('charges a fee rounded half up to 8 places when the exchange does (Binance commissions)', () => {
    const ex = new SimExchange({
      markets: [marketFor('BTC/USDT')],
      balances: { USDT: d(100_000) },
      feeRate: d('0.001'),
      slippageBps: 0,
      feeDecimals: 8,
    });
    ex.submitSync({ clientOrderId: 'a', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: d('0.123455'), purpose: 'entry', createdAt: 0 });
    ex.onBar('BTC/USDT', bars([[100.01, 100.01, 100.01, 100.01]]), 0);
    const fill = ex.trades()[0]!;
    expect(s(fill.cost)).toBe('12.34673455'); // 0.123455 × 100.01
    expect(s(fill.fee)).toBe('0.01234673'); // 0.01234673455 half up at 8 places
    expect(s(ex.balancesSync().USDT!.free)).toBe('99987.64091872');
  });
});

describe('Dec: state-file strings read back identically', () => {
  it('a ledger snapshot restores to the same strings', () => {
    const p = new Portfolio('USDT', { USDT: d('10000') });
    const market = marketFor('BTC/USDT');
    const fill = (side: 'buy' | 'sell', qty: string, price: string, fee: string, time: number): Fill => ({
      tradeId: `${time}`, clientOrderId: `c${time}`, symbol: 'BTC/USDT', side, qty: d(qty), price: d(price), cost: d(qty).mul(price), fee: d(fee), feeCurrency: 'USDT', time,
    });
    p.applyFill(fill('buy', '0.104523456789012345678901', '94523.17', '9.8799', 1), market, 'entry');
    p.applyFill(fill('buy', '0.00000001', '94600', '0.00000946', 2), market, 'entry');
    const snap = p.snapshot();
    const text = JSON.stringify(snap);
    expect(JSON.stringify(Portfolio.restore(JSON.parse(text)).snapshot())).toBe(text);
    expect(snap.balances.BTC).toBe('0.104523466789012345678901');
  });

  it('orders and fills serialize to decimal strings and restore to equal values', () => {
    const o = newOrder({ clientOrderId: 'x', symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: d('0.00012345'), price: d('123456.78'), purpose: 'entry', createdAt: 5 });
    o.cost = d('15.2407894911');
    const ser = serializeOrder(o);
    expect(ser.amount).toBe('0.00012345');
    expect(ser.price).toBe('123456.78');
    expect(JSON.stringify(serializeOrder(restoreOrder(JSON.parse(JSON.stringify(ser)))))).toBe(JSON.stringify(ser));
    const f: Fill = { tradeId: '1', clientOrderId: 'x', symbol: 'BTC/USDT', side: 'buy', qty: d('1e-8'), price: d('99999.99'), cost: d('0.0009999999'), fee: d('9.999999e-7'), feeCurrency: 'USDT', time: 9 };
    const sf = serializeFill(f);
    expect(sf.qty).toBe('0.00000001');
    expect(sf.fee).toBe('0.0000009999999');
    expect(serializeFill(restoreFill(sf))).toEqual(sf);
  });

  it('parseDecimal still rejects what enters from outside', () => {
    expect(() => parseDecimal('1e309', { name: 'cash' })).toThrow(/out of range/);
    expect(() => parseDecimal('-1', { name: 'cash' })).toThrow(/negative/);
    expect(() => parseDecimal('0.123', { name: 'x', maxDecimals: 2 })).toThrow(/decimal places/);
    expect(s(parseDecimal('0.12', { name: 'x', maxDecimals: 2 }))).toBe('0.12');
  });
});

/**
 * Round a non-negative integer `q` of `n` digits, standing for q × 10^-scale, to `sd` significant
 * digits, half to even (`sticky`: the true value is a little above q), as canonical decimal text.
 */
function roundHalfEven(q: bigint, n: number, sd: number, scale: number, sticky = false): string {
  const drop = n - sd;
  let out = q;
  let e = scale;
  if (drop > 0) {
    const p = 10n ** BigInt(drop);
    const low = q % p;
    out = q / p;
    e -= drop;
    const twice = 2n * low;
    if (twice > p || (twice === p && (sticky || out % 2n === 1n))) out += 1n;
  }
  const text = out.toString().padStart(e + 1, '0');
  const int = e > 0 ? text.slice(0, text.length - e) : text + '0'.repeat(-e);
  const frac = e > 0 ? text.slice(text.length - e).replace(/0+$/, '') : '';
  return frac ? `${int}.${frac}` : int;
}

describe('Dec: toNumber at the edges of a binade', () => {
  it('rounds values just below and above powers of two to the nearest float', () => {
    for (const k of [-30, -10, -1, 0, 1, 10, 52, 60]) {
      const p = 2 ** k;
      const below = p - 2 ** (k - 53); // the float just below p
      for (const x of [p, below, p + 2 ** (k - 52)]) {
        const exact = new Dec(x);
        for (const delta of ['1e-40', '-1e-40']) {
          const v = exact.plus(new Dec(delta).mul(exact));
          expect(v.toNumber(), v.toFixed()).toBe(Number(v.toFixed()));
        }
        expect(exact.toNumber()).toBe(x);
      }
      // midway between p and the float below it, and a hair either side
      const mid = new Dec(p).minus(new Dec(2 ** (k - 54)));
      for (const v of [mid, mid.plus(new Dec(2 ** (k - 60))), mid.minus(new Dec(2 ** (k - 60)))]) {
        expect(v.toNumber(), v.toFixed()).toBe(Number(v.toFixed()));
      }
    }
  });
});

describe('Dec: toNumber of long mantissas (balances and costs of 25 to 40 digits)', () => {
  /** The exact decimal value of a positive float as [mantissa, scale]: M·2^E = M·5^-E / 10^-E. */
  const exactParts = (x: number): [bigint, number] => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    const bits = view.getBigUint64(0);
    const exp = Number((bits >> 52n) & 0x7ffn);
    const frac = bits & ((1n << 52n) - 1n);
    const M = exp === 0 ? frac : frac | (1n << 52n);
    const E = (exp === 0 ? 1 : exp) - 1075;
    return E >= 0 ? [M << BigInt(E), 0] : [M * 5n ** BigInt(-E), -E];
  };

  it('rounds a value exactly halfway between two floats to the even one, and a hair either side to the nearer', () => {
    const r = lcg(11);
    for (let i = 0; i < 3_000; i++) {
      const f = (r() + 0.01) * 10 ** Math.floor(r() * 12 - 4);
      const view = new DataView(new ArrayBuffer(8));
      view.setFloat64(0, f);
      const g = (() => {
        view.setBigUint64(0, view.getBigUint64(0) + 1n);
        return view.getFloat64(0);
      })();
      const [mf, ef] = exactParts(f);
      const [mg, eg] = exactParts(g);
      const e = Math.max(ef, eg) + 1;
      // (f + g) / 2 exactly: both at scale e, summed, times 5 / 10
      const m = ((mf * 10n ** BigInt(e - ef) + mg * 10n ** BigInt(e - eg)) * 5n) / 10n;
      const mid = new Dec(m, e);
      const expectedMid = Number(mid.toFixed()); // the correctly rounded oracle: ties to even
      expect(mid.toNumber(), mid.toFixed()).toBe(expectedMid);
      expect([f, g]).toContain(expectedMid);
      // one unit in the 30th digit past the midpoint's last, either side (built exactly, no rounding)
      const above = new Dec(m * 10n ** 30n + 1n, e + 30);
      const below = new Dec(m * 10n ** 30n - 1n, e + 30);
      expect(above.toNumber(), 'just above the midpoint').toBe(g);
      expect(below.toNumber(), 'just below the midpoint').toBe(f);
    }
  });

  it('agrees with the decimal text for 20,000 random mantissas of 20 to 40 digits at scales 1 to 45', () => {
    const r = lcg(5);
    for (let i = 0; i < 20_000; i++) {
      let m = 0n;
      const len = 20 + Math.floor(r() * 21);
      for (let k = 0; k < len; k++) m = m * 10n + BigInt(Math.floor(r() * 10));
      const v = new Dec(r() < 0.2 ? -m : m, 1 + Math.floor(r() * 45));
      expect(v.toNumber(), v.toFixed()).toBe(Number(v.toFixed()));
    }
    // a zero left by arithmetic at a fine scale, and tiny values there
    expect(new Dec(0n, 40).toNumber()).toBe(0);
    expect(new Dec('0.1234567890123456789012345678').minus('0.1234567890123456789012345678').toNumber()).toBe(0);
    expect(new Dec(5n, 30).toNumber()).toBe(5e-30);
    expect(new Dec(-7n, 45).toNumber()).toBe(-7e-45);
  });
});
