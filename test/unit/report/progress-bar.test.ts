import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../../../src/report/progress-bar.js';

function stream(columns?: number) {
  const out = { text: '', columns, write: (s: string) => ((out.text += s), true) };
  return out;
}

describe('the search progress bar', () => {
  it('shows points done, the best objective and an ETA from this session\'s pace', () => {
    let now = 0;
    const s = stream(120);
    const bar = new ProgressBar(s as unknown as NodeJS.WritableStream, 'optimize', () => now);
    bar.update({ done: 100, total: 1100, best: null }); // 100 resumed from the log
    now = 10_000;
    expect(bar.line({ done: 200, total: 1100, best: 1.23456 })).toBe('optimize [####----------------] 18% 200/1,100 best 1.235 ETA 1:30');
  });

  it('fits a 0-column terminal (columns unknown) and a narrow one, and clears its line', () => {
    const zero = stream(0);
    new ProgressBar(zero as unknown as NodeJS.WritableStream, 'optimize', () => 0).update({ done: 1, total: 2, best: -0.5 });
    expect(zero.text.replace('\r\u001b[2K', '').length).toBeLessThanOrEqual(79);
    const narrow = stream(20);
    const bar = new ProgressBar(narrow as unknown as NodeJS.WritableStream, 'optimize', () => 0);
    bar.update({ done: 1, total: 2, best: null });
    expect(narrow.text.replace('\r\u001b[2K', '').length).toBeLessThanOrEqual(19);
    bar.clear();
    expect(narrow.text.endsWith('\r\u001b[2K')).toBe(true);
    expect(narrow.text).not.toMatch(/\u001b\[\d*m/); // no colour codes
  });
});
