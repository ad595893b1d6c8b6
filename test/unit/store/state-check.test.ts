import { mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBotState, ledgerChecks } from '../../../src/store/state-check.js';
import { Dec } from '../../../src/core/money.js';
import { validateStateDoc, readStateDoc } from '../../../src/store/read-state.js';
import { botDir, botDoc, writeBot } from '../../support/bot-fixture.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tradebot-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const statuses = (lines: { check: string; status: string }[]) => Object.fromEntries(lines.map((l) => [l.check, l.status]));

describe('ledger checks', () => {
  it('pass when balances are the starting cash plus the round trips, on the portfolio and the simulated exchange', () => {
    for (const position of [true, false]) {
      expect(statuses(ledgerChecks(botDoc('a', { position })))).toEqual({ 'quote-balance': 'ok', 'base-balance BTC': 'ok', 'exchange-balances': 'ok', 'trade-ids': 'ok' });
    }
  });

  it('fail when the quote balance was changed by hand, saying by how much', () => {
    const doc = botDoc('a');
    doc.engine!.portfolio.balances.USDT = '7085.9';
    const lines = ledgerChecks(doc);
    const q = lines.find((l) => l.check === 'quote-balance')!;
    expect(q.status).toBe('fail');
    expect(q.message).toContain('off by 1000');
    // the exchange still holds the old figure
    expect(lines.find((l) => l.check === 'exchange-balances')!.status).toBe('fail');
  });

  it('count the transfers an operator accepted (reconcile --apply, live --adopt) into the balances', () => {
    const doc = botDoc('a');
    const p = doc.engine!.portfolio;
    p.balances.USDT = new Dec(p.balances.USDT!).minus('49.5').toFixed();
    expect(statuses(ledgerChecks(doc))['quote-balance']).toBe('fail');
    p.transfers = { USDT: '-49.5' };
    const q = ledgerChecks(doc).find((l) => l.check === 'quote-balance')!;
    expect(q.status).toBe('ok');
    expect(q.message).toContain('transfers -49.5');
  });

  it('fail on a base balance that the round trips do not explain, and on a trade id applied twice', () => {
    const doc = botDoc('a');
    doc.engine!.portfolio.balances.BTC = '0.2';
    doc.engine!.orders[1]!.tradeIds = ['2', '1'];
    const s = statuses(ledgerChecks(doc));
    expect(s['base-balance BTC']).toBe('fail');
    expect(s['trade-ids']).toBe('fail');
  });
});

describe('checkBotState', () => {
  it('reads the state, its backup and the journal; a torn last journal line is a warning', async () => {
    const home = path.join(tmp, 'h1');
    writeBot(home, 'a');
    writeFileSync(path.join(botDir(home, 'a'), 'journal.jsonl'), '{"type":"intent","time":1}\n{"type":"se');
    const s = statuses(await checkBotState(home, 'a'));
    expect(s).toMatchObject({ state: 'ok', backup: 'ok', journal: 'warn', 'quote-balance': 'ok' });
  });

  it('a corrupt journal line in the middle fails; a corrupt state file fails and skips the ledger', async () => {
    const home = path.join(tmp, 'h2');
    writeBot(home, 'a', '{"schemaVersion":1', { bak: botDoc('a') });
    appendFileSync(path.join(botDir(home, 'a'), 'journal.jsonl'), '{"type":"intent"}\nnot json\n{"type":"fill"}\n');
    const lines = await checkBotState(home, 'a');
    expect(statuses(lines)).toEqual({ state: 'fail', backup: 'ok', journal: 'fail' });
    expect(lines[0]!.message).toContain(path.join(botDir(home, 'a'), 'state.json'));
  });
});

describe('validateStateDoc', () => {
  it('refuses a newer schema, naming the version that wrote it', async () => {
    await expect(validateStateDoc({ ...botDoc('a'), schemaVersion: 99, writtenBy: '9.0.0' }, '/x/state.json')).rejects.toThrow(/written by tradebot 9\.0\.0/);
  });

  it('never writes next to an older state file (the runner backs it up before migrating; a check must not)', async () => {
    const home = path.join(tmp, 'h3');
    const dir = writeBot(home, 'a', { ...botDoc('a'), schemaVersion: 0 }, { bak: null });
    await expect(readStateDoc(path.join(dir, 'state.json'))).rejects.toThrow(new RegExp(`${path.join(dir, 'state.json').replace(/[/.]/g, '\\$&')}: no migration from schema 0`));
    expect(readdirSync(dir).sort()).toEqual(['state.json']);
  });
});
