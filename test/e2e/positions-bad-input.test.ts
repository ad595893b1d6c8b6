/**
 * Bad position settings: each exits 2 with one stderr line naming the culprit, no stack trace and
 * nothing on stdout, before any candle is read or any exchange is asked.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TINY_RANGE, cleanupTmpDirs, makeTmpDir, nonEmptyLines, runCli, stackLines, writeFile } from '../support/cli.js';

afterAll(cleanupTmpDirs);

const strategyWith = (timeframes: string) => `export default {
  name: 'tf-user', apiVersion: 2, timeframes: ${timeframes}, params: {},
  create() { return { onCandle(ctx) { ctx.timeframe('1h'); } }; },
};
`;

const CASES: { name: string; args: string[]; files?: Record<string, string>; mentions: (string | RegExp)[] }[] = [
  { name: 'a ladder whose fractions do not sum to 1', args: ['--take-profit-ladder', '0.01:0.3,0.02:0.3'], mentions: ['takeProfitLadder', 'sum to 0.6', 'not 1'] },
  { name: 'a ladder level of 0', args: ['--take-profit-ladder', '0:0.5,0.02:0.5'], mentions: ['takeProfitLadder', 'level 0', 'above 0'] },
  { name: 'a negative ladder level', args: ['--take-profit-ladder', '-0.01:0.5,0.02:0.5'], mentions: ['takeProfitLadder', '-0.01'] },
  { name: 'a ladder that is not pairs', args: ['--take-profit-ladder', '0.01,0.02'], mentions: ['takeProfitLadder', '"0.01"'] },
  { name: '--dca without --dca-step', args: ['--dca', '2'], mentions: ['--dca', '--dca-step'] },
  { name: '--dca-step without --dca', args: ['--dca-step', '0.02'], mentions: ['--dca-step', '--dca N'] },
  { name: '--dca 0', args: ['--dca', '0', '--dca-step', '0.02'], mentions: ['dca', 'integer >= 1'] },
  { name: 'a ROI table that does not start at 0', args: ['--roi', '10:0.02,60:0'], mentions: ['risk.roi', 'age 0'] },
  { name: '--breakeven-after without a ladder', args: ['--breakeven-after', '1'], mentions: ['--breakeven-after', '--take-profit-ladder'] },
  { name: '--breakeven-after beyond the ladder', args: ['--take-profit-ladder', '0.01:0.5,0.02:0.5', '--breakeven-after', '3'], mentions: ['--breakeven-after 3', '2 levels'] },
  { name: '--reentry without a stop-loss', args: ['--reentry', '2', '--reentry-window', '10'], mentions: ['--reentry', '--stop-loss'] },
  { name: '--reentry without a window', args: ['--reentry', '2', '--stop-loss', '0.02'], mentions: ['--reentry', '--reentry-window'] },
  { name: 'a Kelly multiple above 1', args: ['--stake', 'kelly:2'], mentions: ['kelly', 'at most 1'] },
  { name: 'an atr stake of 0', args: ['--stake', 'atr:0'], mentions: ['stake', 'atr'] },
  { name: 'a max-stake that is not a fixed size', args: ['--max-stake', 'kelly:0.5'], mentions: ['maxStake'] },
  {
    name: 'a strategy timeframe lower than the base one (1m on 5m candles)',
    args: ['--strategy', './tf.mjs'],
    files: { 'tf.mjs': strategyWith("['1m']") },
    mentions: ['tf-user', '1m', '5m', 'larger'],
  },
  {
    name: 'a strategy timeframe that is not a multiple of the base one (7m on 5m)',
    args: ['--strategy', './tf.mjs'],
    files: { 'tf.mjs': strategyWith("['7m']") },
    mentions: ['tf-user', '7m', 'multiple'],
  },
  {
    name: 'a ladder in the config file whose fractions do not sum to 1',
    args: ['--config', 'bad.yaml'],
    files: { 'bad.yaml': 'risk:\n  takeProfitLadder: "0.01:0.5,0.02:0.4"\n' },
    mentions: ['bad.yaml', 'risk.takeProfitLadder', 'sum to 0.9'],
  },
];

describe('position settings: input errors', { timeout: 30_000 }, () => {
  for (const c of CASES) {
    it(`backtest exits 2 with one line for ${c.name}`, () => {
      const cwd = makeTmpDir();
      for (const [name, text] of Object.entries(c.files ?? {})) writeFile(cwd, name, text);
      const r = runCli(['backtest', ...TINY_RANGE, ...c.args], { cwd });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      const lines = nonEmptyLines(r.stderr);
      expect(lines, r.stderr).toHaveLength(1);
      expect(stackLines(r.stderr)).toEqual([]);
      for (const m of c.mentions) {
        if (typeof m === 'string') expect(lines[0]!.toLowerCase()).toContain(m.toLowerCase());
        else expect(lines[0]).toMatch(m);
      }
    });
  }

  it('paper refuses a bad ladder the same way, before it asks the exchange anything', () => {
    const cwd = makeTmpDir();
    const r = runCli(['paper', '--bot', 'x', '--exchange', 'binance', '--exchange-url', 'http://127.0.0.1:9', '--pair', 'BTC/USDT', '--timeframe', '5m', '--take-profit-ladder', '0.01:0.5'], { cwd, env: { TRADEBOT_HOME: cwd } });
    expect(r.code, r.stderr).toBe(2);
    expect(nonEmptyLines(r.stderr).at(-1)).toContain('takeProfitLadder');
  });
});
