import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STATE_SCHEMA_VERSION, upgradeStateDoc } from '../../../src/store/bot-state.js';
import { botDoc } from '../../support/bot-fixture.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tradebot-migrate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The fixture as tradebot wrote it at schema 2: none of the fields schema 3 added. */
function v2(strategy = 'ema-cross'): Record<string, unknown> {
  const d = JSON.parse(JSON.stringify(botDoc('old'))) as Record<string, Record<string, unknown>> & { bot: { strategy: Record<string, unknown> } };
  delete d.generation;
  delete d.bot.id;
  delete d.bot.sandbox;
  delete d.bot.strategy.source;
  delete d.settings.warmup;
  d.bot.strategy.name = strategy;
  return { ...d, schemaVersion: 2 };
}

describe('state schema 2 -> 3', () => {
  it('backs the file up, then records what schema 2 did not know as not recorded', async () => {
    const file = path.join(tmp, 'state.json');
    const text = JSON.stringify(v2());
    writeFileSync(file, text);
    const doc = await upgradeStateDoc(JSON.parse(text), file);
    expect(readFileSync(`${file}.v2.bak`, 'utf8')).toBe(text);
    expect(doc.schemaVersion).toBe(STATE_SCHEMA_VERSION);
    expect(doc.generation).toBe(0);
    expect(doc.bot.id).toBe(`v2-${String(doc.bot.createdAt)}`); // the same for the file and its old backup
    expect(doc.bot.sandbox).toBeNull();
    expect(doc.bot.strategy.source).toBe('ema-cross');
    expect(doc.settings.warmup).toBeNull();
  });

  it("a strategy file's path was not recorded: its source is null", async () => {
    const file = path.join(tmp, 'mine', 'state.json');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.dirname(file), { recursive: true });
    const raw = v2('my-strategy');
    writeFileSync(file, JSON.stringify(raw));
    const doc = await upgradeStateDoc(raw, file);
    expect(doc.bot.strategy).toMatchObject({ name: 'my-strategy', source: null });
    expect(existsSync(`${file}.v2.bak`)).toBe(true);
  });
});
