/** Reading back what the HTML report embeds, for tests. */
import { readFileSync } from 'node:fs';

export interface EmbeddedData {
  levels: { timeframe: string; bars: number }[];
  omittedLevels: string[];
  equity: unknown;
  hasBuyAndHold: boolean;
  trades: { count: number };
  heatmap: { x: string; y: string; xs: string[]; ys: string[] } | null;
  walkForwardEquity: unknown;
}

export function embeddedData(htmlFile: string): EmbeddedData {
  const html = readFileSync(htmlFile, 'utf8');
  const m = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html);
  if (!m) throw new Error(`${htmlFile} has no report-data element`);
  return JSON.parse(m[1]!) as EmbeddedData;
}
