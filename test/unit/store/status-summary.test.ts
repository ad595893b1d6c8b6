import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BotStateFile } from '../../../src/store/bot-state-file.js';
import type { BotStateDoc } from '../../../src/store/bot-state.js';
import { writeFileDurable } from '../../../src/store/durable-write.js';
import { readStateDoc } from '../../../src/store/read-state.js';
import { statusDigestOf } from '../../../src/store/status-digest.js';
import { readStatusSummary, SUMMARY_SCHEMA_VERSION } from '../../../src/store/status-summary.js';
import { botDoc } from '../../support/bot-fixture.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tradebot-summary-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

/** A bot directory whose state file was written as the runner writes it (with its summary). */
async function written(doc: BotStateDoc = botDoc('s')): Promise<{ state: string; summary: string }> {
  const dir = path.join(tmp, `bot${n++}`);
  mkdirSync(dir);
  const state = path.join(dir, 'state.json');
  const summary = path.join(dir, 'summary.json');
  const file = new BotStateFile(state, summary);
  await file.read();
  await file.write(doc);
  return { state, summary };
}

const summaryDoc = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;

describe("a bot's status summary", () => {
  it('is written with each state write and says what the state file itself says', async () => {
    const b = await written();
    const fromSummary = readStatusSummary(b.summary, b.state);
    expect(fromSummary).not.toBeNull();
    expect(fromSummary).toEqual(JSON.parse(JSON.stringify(statusDigestOf((await readStateDoc(b.state))!))));
    expect(fromSummary).toMatchObject({ realizedPnl: '89.9', unrealizedPnl: '96', positions: [{ symbol: 'BTC/USDT', qty: '0.1', lastPrice: '41000' }] });
    expect(statSync(b.summary).mode & 0o077).toBe(0);
  });

  it('is what status reads while the state file is the one it was made from', async () => {
    const b = await written();
    const doc = summaryDoc(b.summary);
    doc.digest.strategy.name = 'told-by-the-summary';
    writeFileSync(b.summary, JSON.stringify(doc));
    expect(readStatusSummary(b.summary, b.state)?.strategy.name).toBe('told-by-the-summary');
  });

  it('is not used once the state file was replaced, edited or touched after it', async () => {
    const replaced = await written();
    await writeFileDurable(replaced.state, readFileSync(replaced.state));
    expect(readStatusSummary(replaced.summary, replaced.state)).toBeNull();

    const edited = await written();
    writeFileSync(edited.state, readFileSync(edited.state, 'utf8').replace('"status": "stopped"', '"status": "paused"'));
    expect(readStatusSummary(edited.summary, edited.state)).toBeNull();

    const touched = await written();
    const later = new Date(statSync(touched.state).mtimeMs + 5_000);
    utimesSync(touched.state, later, later);
    expect(readStatusSummary(touched.summary, touched.state)).toBeNull();

    const gone = await written();
    rmSync(gone.state);
    expect(readStatusSummary(gone.summary, gone.state)).toBeNull();
  });

  it('is not used when it is damaged, missing, or of another summary or state schema', async () => {
    const b = await written();
    const good = readFileSync(b.summary, 'utf8');
    const variants: [string, string][] = [
      ['not JSON', good.slice(0, 40)],
      ['another summary schema', JSON.stringify({ ...summaryDoc(b.summary), summarySchemaVersion: SUMMARY_SCHEMA_VERSION + 1 })],
      ['another state schema', JSON.stringify({ ...summaryDoc(b.summary), stateSchemaVersion: 2 })],
      ['no digest', JSON.stringify({ ...summaryDoc(b.summary), digest: null })],
      ['a digest of the wrong shape', JSON.stringify({ ...summaryDoc(b.summary), digest: { ...summaryDoc(b.summary).digest, runtime: 'running' } })],
    ];
    for (const [what, text] of variants) {
      writeFileSync(b.summary, text);
      expect(readStatusSummary(b.summary, b.state), what).toBeNull();
    }
    rmSync(b.summary);
    expect(readStatusSummary(b.summary, b.state)).toBeNull();
    writeFileSync(b.summary, good);
    expect(readStatusSummary(b.summary, b.state)).not.toBeNull();
  });

  it('that cannot be written does not fail the state write', async () => {
    const dir = path.join(tmp, 'blocked');
    mkdirSync(path.join(dir, 'summary.json'), { recursive: true });
    const state = path.join(dir, 'state.json');
    const file = new BotStateFile(state, path.join(dir, 'summary.json'));
    await file.read();
    await file.write(botDoc('blocked'));
    expect((await readStateDoc(state))?.bot.name).toBe('blocked');
    expect(readStatusSummary(path.join(dir, 'summary.json'), state)).toBeNull();
  });
});
