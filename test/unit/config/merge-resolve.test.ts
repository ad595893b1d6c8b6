import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/errors.js';
import { mergeConfig, resolveConfig } from '../../../src/config/load-config.js';
import { CONFIG_DEFAULTS, configDefaults, type ConfigInput } from '../../../src/config/schema.js';
import { ConfigError } from '../../../src/config/validate-config.js';

describe('CONFIG_DEFAULTS', () => {
  it('holds the documented defaults', () => {
    expect(CONFIG_DEFAULTS).toEqual({
      exchange: { id: null, apiUrl: null, sandbox: false },
      pair: null,
      timeframe: null,
      strategy: { name: 'ema-cross', params: {} },
      cash: 10000,
      budget: null,
      stake: '99%',
      fee: 0.001,
      slippage: 0,
      risk: {
        stopLoss: null,
        takeProfit: null,
        trailingStop: null,
        riskPerTrade: null,
        maxOpenPositions: 1,
        maxPositionNotional: null,
        maxOpenOrders: null,
        maxOrdersPerMinute: null,
        dailyLossLimit: null,
        maxDrawdown: null,
        cooldownAfterStopLoss: null,
        roi: null,
        takeProfitLadder: null,
        breakevenAfter: null,
        reentry: null,
        reentryWindow: null,
        dca: null,
        dcaStep: null,
        dcaScale: null,
        maxEntries: null,
        maxStake: null,
        kellyWindow: null,
        kellyMinTrades: null,
        kellyFloor: null,
      },
      market: { amountStep: null, priceTick: null, minAmount: null, minNotional: null },
      backtest: { data: null, from: null, to: null, json: false, out: null, tradesCsv: null, html: null, assert: null, baseline: null, tolerance: 0.01, warmup: 0 },
      paper: { balances: null, warmup: 500, poll: 2000 },
      signals: { listen: '127.0.0.1:8080', maxLag: 60000, rateLimit: 60, tickers: null, file: null, url: null, timeout: 30000, minConfidence: 0.5, cacheTtl: 900000, fallback: null, candles: 100, shadow: null },
      home: null,
      secretsFile: null,
      notify: {
        telegram: { chatIds: [], apiUrl: 'https://api.telegram.org', commands: true, pollTimeout: 25 },
        webhook: { url: null, method: 'POST', headers: {}, body: null },
        events: { started: 'on', stopped: 'on', crashed: 'on', halt: 'on', fill: 'on', rejected: 'on', unknown: 'on', degraded: 'on', reconcile: 'on', control: 'on', daily: 'on', heartbeat: 'off' },
        dailyHour: 0,
        heartbeatMinutes: 60,
      },
      metrics: { port: null, host: '127.0.0.1' },
    });
  });

  it('is frozen; configDefaults() is a mutable copy', () => {
    expect(Object.isFrozen(CONFIG_DEFAULTS)).toBe(true);
    expect(Object.isFrozen(CONFIG_DEFAULTS.strategy.params)).toBe(true);
    const copy = configDefaults();
    copy.risk.stopLoss = 0.1;
    copy.strategy.params['x'] = 1;
    expect(CONFIG_DEFAULTS.risk.stopLoss).toBeNull();
    expect(configDefaults().strategy.params).toEqual({});
  });
});

describe('resolveConfig', () => {
  it('applies every default to an empty config', () => {
    expect(resolveConfig({})).toEqual(CONFIG_DEFAULTS);
    expect(resolveConfig({})).not.toBe(CONFIG_DEFAULTS);
  });

  it('keeps given values and fills the rest, nested', () => {
    const cfg = resolveConfig({ fee: 0, risk: { stopLoss: 0.02 }, strategy: { params: { fast: 5 } }, backtest: { json: true } });
    expect(cfg.fee).toBe(0);
    expect(cfg.cash).toBe(10000);
    expect(cfg.risk).toEqual({ ...CONFIG_DEFAULTS.risk, stopLoss: 0.02 });
    expect(cfg.strategy).toEqual({ name: 'ema-cross', params: { fast: 5 } });
    expect(cfg.backtest.json).toBe(true);
    expect(cfg.backtest.tolerance).toBe(0.01);
  });

  it('does not share objects with its input or the defaults', () => {
    const input: ConfigInput = { strategy: { params: { fast: 5 } } };
    const cfg = resolveConfig(input);
    cfg.strategy.params['fast'] = 6;
    cfg.risk.maxOpenPositions = 9;
    expect(input.strategy!.params).toEqual({ fast: 5 });
    expect(CONFIG_DEFAULTS.risk.maxOpenPositions).toBe(1);
  });

  it('rejects riskPerTrade without stopLoss', () => {
    let err: unknown;
    try {
      resolveConfig({ risk: { riskPerTrade: 0.01 } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(ExitCode.usage);
    expect((err as ConfigError).message).toContain('risk.riskPerTrade');
    expect((err as ConfigError).message).toContain('risk.stopLoss');
    expect(() => resolveConfig({ risk: { riskPerTrade: 0.01, stopLoss: 0.02 } })).not.toThrow();
  });
});

describe('mergeConfig', () => {
  const file: ConfigInput = {
    pair: 'BTC/USDT',
    fee: 0.001,
    risk: { stopLoss: 0.02, takeProfit: 0.05 },
    strategy: { name: 'ema-cross', params: { fast: 12, slow: 26 } },
    backtest: { json: false },
  };

  it('lets the override win key by key, deeply', () => {
    const flags: ConfigInput = { fee: 0.002, risk: { stopLoss: 0.03 }, backtest: { json: true, out: 'r.json' } };
    expect(mergeConfig(file, flags)).toEqual({
      pair: 'BTC/USDT',
      fee: 0.002,
      risk: { stopLoss: 0.03, takeProfit: 0.05 },
      strategy: { name: 'ema-cross', params: { fast: 12, slow: 26 } },
      backtest: { json: true, out: 'r.json' },
    });
  });

  it('merges strategy.params parameter by parameter', () => {
    const merged = mergeConfig(file, { strategy: { params: { fast: 9, signal: 'close' } } });
    expect(merged.strategy).toEqual({ name: 'ema-cross', params: { fast: 9, slow: 26, signal: 'close' } });
    // naming the same strategy (or the default, when the base names none) keeps the params
    expect(mergeConfig(file, { strategy: { name: 'ema-cross' } }).strategy!.params).toEqual({ fast: 12, slow: 26 });
    expect(mergeConfig({ strategy: { params: { fast: 3 } } }, { strategy: { name: 'ema-cross' } }).strategy!.params).toEqual({ fast: 3 });
  });

  it("drops the base's params when the override names another strategy", () => {
    expect(mergeConfig(file, { strategy: { name: 'rsi' } }).strategy).toEqual({ name: 'rsi' });
    expect(mergeConfig(file, { strategy: { name: 'rsi', params: { period: 14 } } }).strategy).toEqual({ name: 'rsi', params: { period: 14 } });
  });

  it('an explicit null in the override unsets; undefined keeps the base', () => {
    const merged = mergeConfig(file, { pair: null, fee: undefined, risk: { takeProfit: null } });
    expect(merged.pair).toBeNull();
    expect(merged.fee).toBe(0.001);
    expect(merged.risk).toEqual({ stopLoss: 0.02, takeProfit: null });
  });

  it('chains: defaults < file < flags', () => {
    const cfg = resolveConfig(mergeConfig(mergeConfig({}, file), { cash: 50 }));
    expect(cfg.cash).toBe(50);
    expect(cfg.pair).toBe('BTC/USDT');
    expect(cfg.slippage).toBe(0);
  });

  it('modifies neither argument', () => {
    const base = structuredClone(file);
    const over: ConfigInput = { strategy: { params: { fast: 1 } } };
    const merged = mergeConfig(base, over);
    merged.strategy!.params!['fast'] = 100;
    expect(base).toEqual(file);
    expect(over).toEqual({ strategy: { params: { fast: 1 } } });
  });

  it('merging with an empty config is the identity', () => {
    expect(mergeConfig(file, {})).toEqual(file);
    expect(mergeConfig({}, file)).toEqual(file);
  });
});

describe('nested objects (notify.telegram ...)', () => {
  it('merge and resolve key by key at every depth', async () => {
    const { mergeConfig, resolveConfig } = await import('../../../src/config/load-config.js');
    const file = { notify: { telegram: { chatIds: [123] }, events: { heartbeat: 'on' as const } } };
    const flags = { notify: { telegram: { apiUrl: 'http://127.0.0.1:9' } } };
    const cfg = resolveConfig(mergeConfig(file, flags));
    expect(cfg.notify.telegram).toEqual({ chatIds: [123], apiUrl: 'http://127.0.0.1:9', commands: true, pollTimeout: 25 });
    expect(cfg.notify.events.heartbeat).toBe('on');
    expect(cfg.notify.events.fill).toBe('on');
  });
});
