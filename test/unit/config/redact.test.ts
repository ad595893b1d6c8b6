import { describe, expect, it } from 'vitest';
import { redactConfig } from '../../../src/config/redact.js';
import { CONFIG_DEFAULTS } from '../../../src/config/schema.js';

describe('redactConfig', () => {
  it('leaves a config without secrets unchanged (but copied)', () => {
    const out = redactConfig(CONFIG_DEFAULTS);
    expect(out).toEqual(CONFIG_DEFAULTS);
    expect(out).not.toBe(CONFIG_DEFAULTS);
  });

  it('hides secret-looking keys at any depth', () => {
    const cfg = {
      exchange: { id: 'binance', apiKey: 'AKIA123', secret: 's3cr3t', password: 'pw', passphrase: 'pp', api_key: 'k' },
      strategy: { params: { fast: 5, webhookToken: 'tok', nested: [{ privateKey: 'pk' }] } },
      dbPassword: 'x',
      SECRET_THING: 7,
    };
    const out = redactConfig(cfg);
    expect(out.exchange).toEqual({ id: 'binance', apiKey: '***', secret: '***', password: '***', passphrase: '***', api_key: '***' });
    expect(out.strategy.params).toEqual({ fast: 5, webhookToken: '***', nested: [{ privateKey: '***' }] });
    expect(out.dbPassword).toBe('***');
    expect(out.SECRET_THING).toBe('***');
    expect(JSON.stringify(out)).not.toMatch(/AKIA123|s3cr3t|tok"|pk"/);
    expect(cfg.exchange.apiKey).toBe('AKIA123'); // input untouched
  });

  it('keeps unset secrets visible as unset', () => {
    expect(redactConfig({ apiKey: null, secret: undefined })).toEqual({ apiKey: null, secret: undefined });
  });

  it('hides credentials inside URLs', () => {
    const out = redactConfig({ exchange: { apiUrl: 'https://user:hunter2@proxy.example:8443/api?x=1' } });
    expect(out.exchange.apiUrl).toBe('https://***@proxy.example:8443/api?x=1');
    expect(redactConfig({ exchange: { apiUrl: 'http://127.0.0.1:8080' } }).exchange.apiUrl).toBe('http://127.0.0.1:8080');
  });
});
