/**
 * The HTML report in a real browser (Debian's headless Chromium via playwright-core): no console
 * error, no request beyond the file itself, every chart draws on its canvas, zoom brings finer
 * candles, the trade table sorts, and nothing in a result file can run as script. Screenshots go
 * to the test's temp dir. Skips, saying so, where Chromium is not installed (CI installs it).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SHORT_RANGE, cleanupTmpDirs, makeTmpDir, runCli } from '../support/cli.js';
import { BROWSER_SKIP_REASON, HAS_CHROMIUM, launchChromium, type Browser } from '../support/browser.js';
import { optimizeDoc, walkForwardDoc } from '../support/research-docs.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });
afterAll(cleanupTmpDirs);

const EVIL = `</script><script>alert("x")</script><img src=x onerror=alert(1)>`;

interface Visit {
  page: Page;
  errors: string[];
  requests: string[];
  dialogs: string[];
}

describe.skipIf(!HAS_CHROMIUM)(`the HTML report in headless Chromium (${HAS_CHROMIUM ? 'chromium present' : BROWSER_SKIP_REASON})`, () => {
  let dir: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = makeTmpDir();
    const bt = runCli(['backtest', ...SHORT_RANGE, '--stop-loss', '0.01', '--take-profit', '0.02', '--html', 'backtest.html', '--out', 'result.json'], { cwd: dir });
    expect(bt.code, bt.stderr).toBe(0);
    const result = JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8')) as { strategy: { name: string; params: Record<string, unknown> }; data: { source: string } };
    result.strategy.name = EVIL;
    result.strategy.params[EVIL] = EVIL;
    result.data.source = `${EVIL}.csv`;
    writeFileSync(path.join(dir, 'evil.json'), JSON.stringify(result));
    writeFileSync(path.join(dir, 'opt.json'), JSON.stringify(optimizeDoc()));
    writeFileSync(path.join(dir, 'wf.json'), JSON.stringify(walkForwardDoc()));
    for (const [input, out] of [['evil.json', 'evil.html'], ['opt.json', 'opt.html'], ['wf.json', 'wf.html']]) {
      const r = runCli(['report', input!, '--html', out!], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(file: string): Promise<Visit> {
    const page = await browser.context.newPage();
    const v: Visit = { page, errors: [], requests: [], dialogs: [] };
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') v.errors.push(m.text());
    });
    page.on('pageerror', (e) => v.errors.push(String(e)));
    page.on('request', (r) => v.requests.push(r.url()));
    page.on('dialog', (d) => {
      v.dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(path.join(dir, file)).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    return v;
  }

  /**
   * Per canvas: how many coloured pixels (candles, lines, markers, heatmap cells) its plotting
   * area holds. Axes, labels and grid are grey, so a chart without data counts 0.
   */
  function inkPerCanvas(page: Page): Promise<number[]> {
    return page.evaluate(() =>
      [...document.querySelectorAll('canvas')].map((c) => {
        const over = c.closest('.uplot')?.querySelector('.u-over');
        const cr = c.getBoundingClientRect();
        const sx = c.width / cr.width;
        const sy = c.height / cr.height;
        const r = over ? over.getBoundingClientRect() : cr;
        const x0 = Math.round((r.left - cr.left) * sx);
        const y0 = Math.round((r.top - cr.top) * sy);
        const w = Math.max(1, Math.round(r.width * sx));
        const h = Math.max(1, Math.round(r.height * sy));
        const d = c.getContext('2d')!.getImageData(x0, y0, w, h).data;
        let ink = 0;
        for (let i = 0; i < d.length; i += 4) {
          const max = Math.max(d[i]!, d[i + 1]!, d[i + 2]!);
          const min = Math.min(d[i]!, d[i + 1]!, d[i + 2]!);
          if (d[i + 3]! > 0 && max - min > 40) ink++;
        }
        return ink;
      }),
    );
  }

  async function expectCleanPage(v: Visit, file: string, canvases: number): Promise<void> {
    expect(v.errors).toEqual([]);
    expect(v.dialogs).toEqual([]);
    expect(v.requests).toEqual([pathToFileURL(path.join(dir, file)).href]);
    const ink = await inkPerCanvas(v.page);
    expect(ink).toHaveLength(canvases);
    for (const n of ink) expect(n).toBeGreaterThan(500);
    const shot = path.join(dir, file.replace(/\.html$/, '.png'));
    await v.page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
  }

  it('draws a backtest: price with trades, equity against buy-and-hold, drawdown', async () => {
    const v = await open('backtest.html');
    await expectCleanPage(v, 'backtest.html', 3);
    expect(await v.page.locator('#trades tbody tr').count()).toBeGreaterThan(10);
    expect(await v.page.locator('#monthly-section td').count()).toBeGreaterThan(0);
    await v.page.close();
  });

  it('shows finer candles when a stretch of the price chart is zoomed into, and all of it again on double-click', async () => {
    const v = await open('backtest.html');
    const level = v.page.locator('#price-level');
    expect(await level.textContent()).toBe('15m candles');
    const over = v.page.locator('#price-chart .u-over');
    const box = (await over.boundingBox())!;
    await v.page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
    await v.page.mouse.down();
    await v.page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    await v.page.mouse.up();
    await expect.poll(() => level.textContent()).toBe('5m candles (zoomed)');
    const [price, equity] = await inkPerCanvas(v.page);
    expect(price).toBeGreaterThan(500);
    expect(equity).toBeGreaterThan(500);
    // the other charts follow the price chart's range
    const ranges = await v.page.evaluate(() => [...document.querySelectorAll('.chart .u-over')].length);
    expect(ranges).toBe(3);
    await over.dblclick({ position: { x: box.width / 2, y: box.height / 2 } });
    await expect.poll(() => level.textContent()).toBe('15m candles');
    expect(v.errors).toEqual([]);
    await v.page.close();
  });

  it('shows the trade and its exit reason when the pointer is on an exit marker', async () => {
    const v = await open('backtest.html');
    // sweep the plotting area with pointer moves until the tooltip shows an exit
    const text = await v.page.evaluate(() => {
      const over = document.querySelector('#price-chart .u-over') as HTMLElement;
      const tip = document.querySelector('#price-chart .tip') as HTMLElement;
      const r = over.getBoundingClientRect();
      for (let y = 2; y < r.height; y += 3) {
        for (let x = 2; x < r.width; x += 3) {
          over.dispatchEvent(new MouseEvent('mousemove', { clientX: r.left + x, clientY: r.top + y, bubbles: true }));
          if (tip.style.display === 'block' && tip.textContent!.includes('exit')) return tip.textContent;
        }
      }
      return null;
    });
    expect(text).toMatch(/^Trade \d+ exit: (signal|stop-loss|take-profit)\n.*UTC\nsold at [\d.]+\nPnL -?[\d.]+ \([+-]?[\d.,]+ %\)$/);
    await v.page.close();
  });

  it('sorts the trade table by a column (all trades, not just the page shown), and back', async () => {
    const v = await open('backtest.html');
    const pnl = v.page.locator('#trades th[data-key="pnl"]');
    const firstPnl = () => v.page.locator('#trades tbody tr:first-child td:nth-child(10)').textContent();
    const all = (JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8')) as { trades: { pnl: string }[] }).trades.map((t) => Number(t.pnl));
    await pnl.click();
    expect(await pnl.getAttribute('aria-sort')).toBe('ascending');
    expect(Number(await firstPnl())).toBe(Math.min(...all));
    await pnl.click();
    expect(await pnl.getAttribute('aria-sort')).toBe('descending');
    expect(Number(await firstPnl())).toBe(Math.max(...all));
    await v.page.close();
  });

  it('shows a hostile result file as text: no script of its own runs, nothing is requested', async () => {
    const v = await open('evil.html');
    await expectCleanPage(v, 'evil.html', 2); // equity and drawdown; no candles (the data file cannot be found)
    expect(await v.page.locator('h1').textContent()).toContain(EVIL);
    expect(await v.page.locator('img').count()).toBe(0);
    const ours = await v.page.evaluate(() => document.scripts.length);
    const html = readFileSync(path.join(dir, 'evil.html'), 'utf8');
    expect(ours).toBe((html.match(/<script\b/g) ?? []).length);
    await v.page.close();
  });

  it('draws an optimize run: the objective heatmap and the robustness block', async () => {
    const v = await open('opt.html');
    await expectCleanPage(v, 'opt.html', 1);
    expect(await v.page.locator('#optimize-section').textContent()).toContain('Deflated Sharpe ratio');
    await v.page.close();
  });

  it('draws a walk-forward: the windows and the stitched out-of-sample equity', async () => {
    const v = await open('wf.html');
    await expectCleanPage(v, 'wf.html', 1);
    expect(await v.page.locator('#walk-forward-section table.data tbody tr').count()).toBe(3);
    expect(existsSync(path.join(dir, 'wf.png'))).toBe(true);
    await v.page.close();
  });
});
