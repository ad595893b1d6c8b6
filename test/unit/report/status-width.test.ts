import { describe, expect, it } from 'vitest';
import { statusView } from '../../../src/bot/status.js';
import { renderDetail, renderOverview, renderStatus, shortenPath } from '../../../src/report/status.js';
import { botDoc } from '../../support/bot-fixture.js';

const NOW = 1_800_000_000_000;
const DIR = '/home/someone/with/a/rather/deeply/nested/tradebot/home/directory/bots/a-bot-with-a-long-name';

function view() {
  const doc = botDoc('a-bot-with-a-long-name', { now: NOW, status: 'running', pid: 10, heartbeatAgeMs: 1_000 });
  return statusView({
    name: 'a-bot-with-a-long-name',
    dir: DIR,
    doc,
    error: null,
    lock: { pid: 10, host: 'here', command: 'x', since: NOW - 5_000 },
    heartbeat: { time: NOW - 1_000, pid: 10 },
    now: NOW,
    host: 'here',
    isAlive: () => true,
  });
}

const widest = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));

describe('status rows stay within the terminal width', () => {
  for (const width of [40, 80, 120]) {
    it(`at ${width} columns: overview, detail and the empty line fit, the state dir shortened in the middle`, () => {
      expect(widest(renderOverview([view()], { empty: '', width }))).toBeLessThanOrEqual(width);
      const detail = renderDetail(view(), { width });
      expect(widest(detail)).toBeLessThanOrEqual(width);
      const dirLine = detail.split('\n').find((l) => l.includes('state dir'))!;
      // shortened in the middle when it does not fit: the bot's own name stays readable
      expect(dirLine.endsWith('/a-bot-with-a-long-name')).toBe(true);
      if (16 + DIR.length > width) expect(dirLine).toContain('…');
      else expect(dirLine).toContain(DIR);
      expect(widest(renderStatus([], 0, { home: DIR, width }))).toBeLessThanOrEqual(width);
    });
  }

  it('not a terminal (0 columns, a pipe): nothing is cut', () => {
    const detail = renderDetail(view(), {});
    expect(detail).toContain(DIR);
    expect(detail).not.toContain('…');
    expect(renderStatus([], 0, { home: DIR })).toContain(DIR);
  });

  it('a shortened path keeps its start and its end', () => {
    const s = shortenPath(DIR, 40);
    expect([...s].length).toBe(40);
    expect(s.startsWith('/home/')).toBe(true);
    expect(s.endsWith('bots/a-bot-with-a-long-name')).toBe(true);
    expect(shortenPath('/short', 40)).toBe('/short');
  });
});
