import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readStateDoc } from '../../../src/store/read-state.js';
import { restoreFromBackup } from '../../../src/store/state-restore.js';
import { checkBotState } from '../../../src/store/state-check.js';
import { Journal } from '../../../src/store/journal.js';
import { BotStateFile } from '../../../src/store/bot-state-file.js';
import { BotSession } from '../../../src/bot/session.js';
import { botDir, botDoc, writeBot } from '../../support/bot-fixture.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tradebot-hints-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const freshHome = () => path.join(tmp, `h${n++}`);

/**
 * Every absolute path a message names exists (unless the message says it is missing), and no
 * placeholder stands in for the bot's name.
 */
function expectOnlyRealFiles(message: string): void {
  expect(message).not.toMatch(/\bNAME\b/);
  expect(message).not.toContain('.bak.bak');
  for (const p of message.match(/\/[^\s:;,()]+/g) ?? []) if (!message.includes(`${p} is missing`)) expect(existsSync(p), `${p} in: ${message}`).toBe(true);
}

const messageOf = async (p: Promise<unknown>) => ((await p.then(() => null, (e: unknown) => e)) as Error).message;

describe('recovery hints name files that exist', () => {
  it('a damaged state file without a backup: no backup is named', async () => {
    const dir = writeBot(freshHome(), 'alpha', '{"schemaVersion":', { bak: null });
    const msg = await messageOf(readStateDoc(path.join(dir, 'state.json')));
    expect(msg).toContain(path.join(dir, 'state.json'));
    expect(msg).not.toContain('state.json.bak');
    expectOnlyRealFiles(msg);
  });

  it('a damaged state file with a good backup: the backup and the command with the real bot name', async () => {
    const dir = writeBot(freshHome(), 'alpha', '{"schemaVersion":', { bak: botDoc('alpha') });
    const msg = await messageOf(readStateDoc(path.join(dir, 'state.json')));
    expect(msg).toContain(`${path.join(dir, 'state.json.bak')}: tradebot state restore alpha --from-backup`);
    expectOnlyRealFiles(msg);
  });

  it('an impossible state file with a damaged backup: says so, and suggests no restore', async () => {
    const doc = botDoc('alpha');
    doc.engine!.portfolio.balances.USDT = '-1';
    const dir = writeBot(freshHome(), 'alpha', doc, { bak: 'not json' });
    const msg = await messageOf(readStateDoc(path.join(dir, 'state.json')));
    expect(msg).toContain('engine.portfolio.balances.USDT');
    expect(msg).toContain('damaged too');
    expect(msg).not.toContain('state restore');
    expectOnlyRealFiles(msg);
  });

  it('a damaged backup read on its own names no backup of the backup', async () => {
    const dir = writeBot(freshHome(), 'alpha', botDoc('alpha'), { bak: '[]' });
    const msg = await messageOf(readStateDoc(path.join(dir, 'state.json.bak')));
    expectOnlyRealFiles(msg);
  });

  it('state restore from a damaged backup, state check and a corrupt journal line', async () => {
    const home = freshHome();
    const dir = writeBot(home, 'alpha', '{', { bak: '{"schemaVersion":3}' });
    writeFileSync(path.join(dir, 'journal.jsonl'), '{"type":"intent"}\nnope\n{"type":"fill"}\n');
    expectOnlyRealFiles(await messageOf(restoreFromBackup(home, 'alpha', Date.now())));
    for (const line of await checkBotState(home, 'alpha')) expectOnlyRealFiles(line.message);
    expectOnlyRealFiles(await messageOf(Journal.read(path.join(dir, 'journal.jsonl'))));
  });

  it('a missing state file beside its backup: the bot does not open, naming both and the restore command', async () => {
    const home = freshHome();
    const dir = writeBot(home, 'alpha');
    rmSync(path.join(dir, 'state.json'));
    const bak = readFileSync(path.join(dir, 'state.json.bak'), 'utf8');
    const msg = await messageOf(BotSession.open({ home, name: 'alpha', command: 'test', now: Date.now() }));
    expect(msg).toContain('tradebot state restore alpha --from-backup');
    expect(msg).toContain(`${path.join(dir, 'state.json.bak')} exists`);
    expectOnlyRealFiles(msg);
    expect(readFileSync(path.join(dir, 'state.json.bak'), 'utf8')).toBe(bak);
    expect(existsSync(path.join(dir, 'state.json'))).toBe(false);
    expect(existsSync(path.join(dir, 'lock.json'))).toBe(false); // the lock was let go
  });
  it('a missing state file beside a damaged backup: no restore is suggested, the files stay', async () => {
    const home = freshHome();
    const dir = writeBot(home, 'alpha', botDoc('alpha'), { bak: '{"schemaVersion":3,' });
    rmSync(path.join(dir, 'state.json'));
    const msg = await messageOf(BotSession.open({ home, name: 'alpha', command: 'test', now: Date.now() }));
    expect(msg).toContain('damaged');
    expect(msg).not.toContain('state restore');
    expectOnlyRealFiles(msg);
    expect(readFileSync(path.join(dir, 'state.json.bak'), 'utf8')).toBe('{"schemaVersion":3,');
  });
});

describe('a backup is only replaced by a successor of it', () => {
  const open = async (home: string) => {
    const file = new BotStateFile(path.join(botDir(home, 'alpha'), 'state.json'));
    await file.read();
    return file;
  };

  it('each write counts the generation up and keeps the previous state as the backup', async () => {
    const home = freshHome();
    const dir = writeBot(home, 'alpha');
    const file = await open(home);
    const doc = botDoc('alpha');
    await file.write(doc);
    await file.write(doc);
    const now = JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8')) as { generation: number };
    const bak = JSON.parse(readFileSync(path.join(dir, 'state.json.bak'), 'utf8')) as { generation: number };
    expect([bak.generation, now.generation]).toEqual([8, 9]);
  });

  for (const [what, state] of [
    ['a new, empty state where the state file was deleted', null],
    ["another bot's state file", (() => ({ ...botDoc('alpha'), bot: { ...botDoc('alpha').bot, id: 'someone-else' } }))()],
    ['an older state file than its backup', { ...botDoc('alpha'), generation: 3 }],
  ] as const) {
    it(`refuses to write over the backup with ${what}`, async () => {
      const home = freshHome();
      const dir = writeBot(home, 'alpha', state ?? botDoc('alpha'), { bak: botDoc('alpha') });
      if (state === null) rmSync(path.join(dir, 'state.json'));
      const bak = readFileSync(path.join(dir, 'state.json.bak'), 'utf8');
      const file = await open(home);
      for (let i = 0; i < 2; i++) {
        const msg = await messageOf(file.write(botDoc('alpha')));
        expect(msg).toContain('tradebot state restore alpha --from-backup');
        expectOnlyRealFiles(msg);
      }
      expect(readFileSync(path.join(dir, 'state.json.bak'), 'utf8')).toBe(bak);
      const lines = await checkBotState(home, 'alpha');
      expect(lines.find((l) => l.check === 'lineage')?.status).toBe('fail');
    });
  }
});
