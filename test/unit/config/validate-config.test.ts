import { describe, expect, it } from 'vitest';
import { ExitCode, UsageError } from '../../../src/core/errors.js';
import { ConfigError, configProblems, validateConfig } from '../../../src/config/validate-config.js';
import { CONFIG_DEFAULTS, enumField, schemaLeaves } from '../../../src/config/schema.js';

const SRC = 'tradebot.config.yaml';

/** The ConfigError thrown by validating `raw`. */
function errorOf(raw: unknown): ConfigError {
  try {
    validateConfig(raw, SRC);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as ConfigError).exitCode).toBe(ExitCode.usage);
    expect((err as ConfigError).message).toBe((err as ConfigError).problems[0]);
    return err as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

function expectRejected(raw: unknown, ...fragments: string[]): ConfigError {
  const err = errorOf(raw);
  expect(err.problems).toHaveLength(1);
  expect(err.message.startsWith(`${SRC}: `)).toBe(true);
  for (const f of fragments) expect(err.message).toContain(f);
  expect(err.message).not.toContain('\n');
  return err;
}

describe('validateConfig: accepted input', () => {
  it('treats null/undefined (an empty file) as an empty config', () => {
    expect(validateConfig(undefined, SRC)).toEqual({});
    expect(validateConfig(null, SRC)).toEqual({});
  });

  it('accepts the defaults', () => {
    expect(validateConfig(structuredClone(CONFIG_DEFAULTS), SRC)).toEqual(CONFIG_DEFAULTS);
  });

  it('accepts a full, realistic config and returns a fresh object', () => {
    const raw = {
      exchange: { id: 'binance', apiUrl: 'http://127.0.0.1:8080', sandbox: true },
      pair: 'BTC/USDT',
      timeframe: '5m',
      strategy: { name: './strategies/mine.mjs', params: { fast: 12, slow: 26, mode: 'aggressive', shortOk: false } },
      cash: 2500.5,
      stake: '50%',
      fee: 0,
      slippage: 5,
      risk: { stopLoss: 0.02, takeProfit: 0.05, trailingStop: 0.03, riskPerTrade: 0.01, maxOpenPositions: 3 },
      market: { amountStep: 0.0001, priceTick: 0.01, minAmount: 0.001, minNotional: 5 },
      backtest: {
        data: 'data/btc.csv',
        from: '2024-01-01',
        to: 1717200000000,
        json: true,
        out: 'out.json',
        tradesCsv: 'trades.csv',
        assert: 'sharpe>=1.2,maxDrawdown<=0.25',
        baseline: 'base.json',
        tolerance: 0,
      },
      home: '/var/lib/tradebot',
    };
    const out = validateConfig(raw, SRC);
    expect(out).toEqual(raw);
    expect(out).not.toBe(raw);
    expect(out.strategy!.params).not.toBe(raw.strategy.params);
  });

  it('accepts every stake form', () => {
    for (const stake of ['99%', '100%', '0.5%', ' 25 % ', 100, 0.5, '250', '1e3']) {
      expect(validateConfig({ stake }, SRC)).toEqual({ stake });
    }
  });

  it('accepts explicit null for nullable keys, and an empty nested section', () => {
    expect(validateConfig({ risk: { stopLoss: null }, pair: null }, SRC)).toEqual({ risk: { stopLoss: null }, pair: null });
    expect(validateConfig({ risk: null }, SRC)).toEqual({});
  });

  it('accepts several pairs, futures symbols and ISO date-times', () => {
    expect(() => validateConfig({ pair: 'BTC/USDT, ETH/USDT,BTC/USDT:USDT' }, SRC)).not.toThrow();
    expect(() => validateConfig({ backtest: { from: '2024-01-31T12:00:00Z', to: '2024-02-29 23:59' } }, SRC)).not.toThrow();
  });
});

describe('validateConfig: unknown keys', () => {
  it('suggests a nested key: risk.stoploss -> risk.stopLoss', () => {
    expectRejected({ risk: { stoploss: 0.02 } }, 'risk.stoploss', 'risk.stopLoss');
  });

  it('suggests a top-level key: stratgy -> strategy', () => {
    expectRejected({ stratgy: { name: 'ema-cross' } }, 'stratgy', '"strategy"');
  });

  it('suggests the right key at the wrong level: stopLoss -> risk.stopLoss', () => {
    expectRejected({ stopLoss: 0.02 }, '"stopLoss"', 'risk.stopLoss');
  });

  it('explains flat dotted keys', () => {
    expectRejected({ 'risk.stopLoss': 0.02 }, 'risk.stopLoss', 'nest');
  });

  it('lists the valid keys when nothing is close', () => {
    expectRejected({ market: { banana: 1 } }, 'market.banana', 'amountStep', 'minNotional');
  });

  it('rejects $import and __proto__', () => {
    expectRejected({ $import: 'other.yaml' }, '$import');
    expectRejected(JSON.parse('{"__proto__": {"polluted": true}}'), '__proto__');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('validateConfig: wrong types and ranges name the dotted key', () => {
  it('names the key, the expected type and the value got', () => {
    const err = expectRejected({ risk: { stopLoss: 'abc' } }, 'risk.stopLoss', 'fraction', '"abc"');
    expect(err.message).toMatch(/^tradebot\.config\.yaml: risk\.stopLoss must be .*fraction.*, got "abc"$/);
  });

  it.each([
    [{ fee: -0.001 }, 'fee', '-0.001'],
    [{ fee: 1 }, 'fee', '1'],
    [{ fee: '0.001' }, 'fee', '"0.001"'],
    [{ slippage: -1 }, 'slippage', '-1'],
    [{ cash: 0 }, 'cash', '0'],
    [{ cash: Number.NaN }, 'cash', 'NaN'],
    [{ cash: Number.POSITIVE_INFINITY }, 'cash', 'Infinity'],
    [{ cash: 1e309 }, 'cash', 'Infinity'],
    [{ cash: null }, 'cash', 'null'],
    [{ stake: '150%' }, 'stake', '"150%"'],
    [{ stake: '0%' }, 'stake', '"0%"'],
    [{ stake: '-5%' }, 'stake', '"-5%"'],
    [{ stake: 0 }, 'stake', '0'],
    [{ stake: -10 }, 'stake', '-10'],
    [{ stake: 'lots' }, 'stake', '"lots"'],
    [{ stake: '1e309' }, 'stake', '"1e309"'],
    [{ stake: Number.NaN }, 'stake', 'NaN'],
    [{ risk: { stopLoss: 1.5 } }, 'risk.stopLoss', '1.5'],
    [{ risk: { stopLoss: 0 } }, 'risk.stopLoss', '0'],
    [{ risk: { riskPerTrade: Number.NaN } }, 'risk.riskPerTrade', 'NaN'],
    [{ risk: { maxOpenPositions: 0 } }, 'risk.maxOpenPositions', '0'],
    [{ risk: { maxOpenPositions: 1.5 } }, 'risk.maxOpenPositions', '1.5'],
    [{ risk: 0.02 }, 'risk', '0.02'],
    [{ market: { priceTick: 0 } }, 'market.priceTick', '0'],
    [{ market: { minNotional: -5 } }, 'market.minNotional', '-5'],
    [{ exchange: { sandbox: 'yes' } }, 'exchange.sandbox', '"yes"'],
    [{ exchange: { id: 'Binance' } }, 'exchange.id', '"Binance"'],
    [{ exchange: { apiUrl: 'ftp://example.com' } }, 'exchange.apiUrl', '"ftp://example.com"'],
    [{ pair: 'BTCUSDT' }, 'pair', '"BTCUSDT"'],
    [{ pair: '' }, 'pair', '""'],
    [{ timeframe: '5 minutes' }, 'timeframe', '"5 minutes"'],
    [{ timeframe: 5 }, 'timeframe', '5'],
    [{ strategy: { name: '' } }, 'strategy.name', '""'],
    [{ strategy: { params: [1, 2] } }, 'strategy.params', 'a list'],
    [{ strategy: { params: { fast: { nested: 1 } } } }, 'strategy.params.fast', 'a mapping'],
    [{ strategy: { params: { fast: Number.NaN } } }, 'strategy.params.fast', 'NaN'],
    [{ backtest: { from: '2024-02-30' } }, 'backtest.from', '"2024-02-30"'],
    [{ backtest: { to: 'yesterday' } }, 'backtest.to', '"yesterday"'],
    [{ backtest: { to: -1 } }, 'backtest.to', '-1'],
    [{ backtest: { json: 1 } }, 'backtest.json', '1'],
    [{ backtest: { tolerance: -0.1 } }, 'backtest.tolerance', '-0.1'],
    [{ home: 42 }, 'home', '42'],
  ])('%j', (raw, key, got) => {
    const err = expectRejected(raw, `: ${key} `);
    expect(err.message).toContain(`, got ${got}`);
  });

  it('rejects a config that is not a mapping', () => {
    for (const raw of [['a'], 'fee: 1', 42, true]) expect(errorOf(raw).message).toContain(SRC);
  });
});

describe('validateConfig: all problems are collected', () => {
  it('throws once, message = first problem, problems = all', () => {
    const err = errorOf({ fee: -1, stratgy: {}, risk: { stoploss: 0.1, maxOpenPositions: 0 }, stake: '150%' });
    expect(err.problems).toHaveLength(5);
    expect(err.message).toBe(err.problems[0]);
    const all = err.problems.join('\n');
    for (const key of ['fee', 'stratgy', 'risk.stoploss', 'risk.maxOpenPositions', 'stake']) expect(all).toContain(key);
    for (const p of err.problems) expect(p).not.toContain('\n');
  });

  it('configProblems reports without throwing', () => {
    const { problems, config } = configProblems({ fee: 2, cash: 5 }, 'command line');
    expect(problems).toEqual([expect.stringContaining('command line: fee ')]);
    expect(config).toEqual({ cash: 5 });
  });
});

describe('schema', () => {
  it('documents every key', () => {
    const leaves = schemaLeaves();
    expect(leaves.map((l) => l.path)).toContain('risk.stopLoss');
    expect(leaves.map((l) => l.path)).toContain('backtest.tolerance');
    for (const { path, field } of leaves) {
      expect(field.description, path).not.toBe('');
      expect(field.expected, path).not.toBe('');
    }
  });

  it('has enum fields that suggest close values', () => {
    const f = enumField('order type', ['market', 'limit'], 'market');
    expect(f.check('limit')).toBeUndefined();
    expect(f.check('limt')?.[0]?.message).toContain('"limit"');
    expect(f.check(3)?.[0]?.message).toContain('got 3');
  });
});

describe('notify and metrics keys', () => {
  it("takes the issue's example config", async () => {
    const { validateConfig } = await import('../../../src/config/validate-config.js');
    const cfg = validateConfig(
      {
        notify: {
          telegram: { chatIds: [123456789, -1001234567890, '@mychannel'], apiUrl: 'https://api.telegram.org' },
          webhook: { url: 'https://discord.com/api/webhooks/1/abc', body: '{"content": "{bot} {event}: {message}"}' },
          events: { fill: 'on', halt: 'on', rejected: 'on', daily: 'on', heartbeat: 'off' },
        },
        metrics: { port: 9464 },
      },
      'tradebot.config.yaml',
    );
    expect(cfg.notify?.telegram?.chatIds).toEqual([123456789, -1001234567890, '@mychannel']);
  });

  it('refuses a token in the config file, bad chat ids, headers, modes and ports, naming the key', async () => {
    const { configProblems } = await import('../../../src/config/validate-config.js');
    const problems = (raw: unknown) => configProblems(raw, 'cfg.yaml').problems;
    expect(problems({ notify: { telegram: { token: '123:abc' } } })).toEqual([
      'cfg.yaml: notify.telegram.token is never read from a config file: set TRADEBOT_TELEGRAM_TOKEN, or telegramToken in the secrets file (secretsFile)',
    ]);
    expect(problems({ notify: { telegram: { chatIds: [12, 'x', 1.5] } } })).toEqual([
      expect.stringMatching(/^cfg\.yaml: notify\.telegram\.chatIds\[1\] must be a Telegram chat id/),
      expect.stringMatching(/^cfg\.yaml: notify\.telegram\.chatIds\[2\] must be a Telegram chat id/),
    ]);
    expect(problems({ notify: { webhook: { headers: { 'Bad Name': 'x', Authorization: 'a\nb' } } } })).toHaveLength(2);
    expect(problems({ notify: { events: { fill: 'loud' } } })[0]).toMatch(/notify\.events\.fill must be one of "on", "silent", "off"/);
    expect(problems({ notify: { events: { fills: 'on' } } })[0]).toMatch(/did you mean "notify\.events\.fill"/);
    expect(problems({ metrics: { port: 70000 } })[0]).toMatch(/metrics\.port must be an integer >= 0 and <= 65535/);
    expect(problems({ notify: { webhook: { url: 'ftp://x' } } })[0]).toMatch(/notify\.webhook\.url must be an http\(s\) URL/);
  });
});
