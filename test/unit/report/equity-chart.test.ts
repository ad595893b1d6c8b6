import { describe, expect, it } from 'vitest';
import { renderEquityChart } from '../../../src/report/equity-chart.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
const BRAILLE = /[\u2801-\u28ff]/;

const rising = Array.from({ length: 50 }, (_, i) => ({ time: T0 + i * DAY, equity: 1000 + i * 20 }));
const labelOf = (line: string): number => Number(/^\s*([-\d,.]+) ┤/.exec(line)![1]!.replace(/,/g, ''));
const plotOf = (line: string): string => line.replace(/^[^┤│]*[┤│]/, '');

describe('renderEquityChart', () => {
  it('labels the max on the top row and the min on the bottom row', () => {
    const lines = renderEquityChart(rising, { width: 60, height: 6, color: false }).split('\n');
    const top = labelOf(lines[0]!);
    const bottom = labelOf(lines[5]!);
    expect(top).toBeGreaterThan(bottom);
    expect(top).toBeCloseTo(1980, 2);
    expect(bottom).toBeCloseTo(1000, 2);
  });

  it('draws a rising curve from bottom left to top right', () => {
    const lines = renderEquityChart(rising, { width: 60, height: 6, color: false }).split('\n');
    const topStart = plotOf(lines[0]!).search(BRAILLE);
    const bottomStart = plotOf(lines[5]!).search(BRAILLE);
    expect(bottomStart).toBe(0);
    expect(topStart).toBeGreaterThan(bottomStart);
  });

  it('has height plot rows, an x axis and a line with start and end dates', () => {
    const lines = renderEquityChart(rising, { width: 60, height: 6, color: false }).split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[6]).toMatch(/└─+$/);
    expect(lines[7]).toMatch(/2024-01-01\s+2024-02-19/);
  });

  it.each([20, 40, 100])('stays within width %i and downsamples many points', (width) => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({ time: T0 + i * 60_000, equity: 5000 + Math.sin(i / 500) * 1000 }));
    for (const line of renderEquityChart(many, { width, height: 5, color: true }).split('\n')) {
      expect([...line.replace(ANSI, '')].length).toBeLessThanOrEqual(width);
    }
  });

  it('keeps a dip that falls between columns', () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({ time: T0 + i * 60_000, equity: i === 500 ? 0 : 100 }));
    const lines = renderEquityChart(points, { width: 30, height: 4, color: false }).split('\n');
    expect(labelOf(lines[3]!)).toBe(0);
    expect(plotOf(lines[3]!)).toMatch(BRAILLE);
  });

  it('draws a flat curve as one row with equal labels', () => {
    const flat = Array.from({ length: 10 }, (_, i) => ({ time: T0 + i * DAY, equity: 500 }));
    const lines = renderEquityChart(flat, { width: 40, height: 5, color: false }).split('\n');
    expect(labelOf(lines[0]!)).toBe(500);
    expect(labelOf(lines[4]!)).toBe(500);
    const rowsWithDots = lines.slice(0, 5).filter((l) => BRAILLE.test(plotOf(l)));
    expect(rowsWithDots).toHaveLength(1);
  });

  it('draws a single point', () => {
    const lines = renderEquityChart([{ time: T0, equity: 1234.5 }], { width: 40, height: 4, color: false }).split('\n');
    expect(lines).toHaveLength(6);
    expect(labelOf(lines[0]!)).toBe(1234.5);
    expect(lines.slice(0, 4).some((l) => BRAILLE.test(l))).toBe(true);
    expect(lines[5]).toContain('2024-01-01');
  });

  it('uses enough decimals to tell close min and max apart', () => {
    const lines = renderEquityChart(
      [
        { time: T0, equity: 100.001 },
        { time: T0 + DAY, equity: 100.004 },
      ],
      { width: 40, height: 3, color: false },
    ).split('\n');
    expect(labelOf(lines[0]!)).toBeGreaterThan(labelOf(lines[2]!));
  });

  it('says so when there is nothing to draw', () => {
    const text = renderEquityChart([], { width: 40, height: 4, color: false });
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toMatch(BRAILLE);
  });

  it('adds escape codes only when color is on', () => {
    expect(renderEquityChart(rising, { width: 60, height: 4, color: false })).not.toMatch(/\x1b\[/);
    expect(renderEquityChart(rising, { width: 60, height: 4, color: true })).toMatch(/\x1b\[/);
  });
});
