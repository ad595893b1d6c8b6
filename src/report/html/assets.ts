import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { StateError } from '../../core/errors.js';
import { PACKAGE_ROOT } from '../../paths.js';

/** The page's scripts and styles, read once: uPlot (MIT) from npm, and our own compiled client. */
export interface ReportAssets {
  uplotJs: string;
  uplotCss: string;
  uplotLicense: string;
  uplotVersion: string;
  client: string[];
}

// Compiled by `npm run build` (src/report/html/client/tsconfig.json); the order is the load order.
const CLIENT_FILES = ['decode.js', 'format.js', 'candles-plugin.js', 'tooltip.js', 'charts.js', 'trade-table.js', 'heatmap.js', 'main.js'];

let cached: Promise<ReportAssets> | undefined;

export function loadAssets(): Promise<ReportAssets> {
  cached ??= readAssets();
  return cached;
}

async function readAssets(): Promise<ReportAssets> {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('uplot/package.json'));
  const clientDir = join(PACKAGE_ROOT, 'dist', 'src', 'report', 'html', 'client');
  try {
    const [uplotJs, uplotCss, uplotLicense, pkg, ...client] = await Promise.all([
      readFile(join(pkgDir, 'dist', 'uPlot.iife.min.js'), 'utf8'),
      readFile(join(pkgDir, 'dist', 'uPlot.min.css'), 'utf8'),
      readFile(join(pkgDir, 'LICENSE'), 'utf8'),
      readFile(join(pkgDir, 'package.json'), 'utf8'),
      ...CLIENT_FILES.map((f) => readFile(join(clientDir, f), 'utf8')),
    ]);
    return { uplotJs, uplotCss, uplotLicense, uplotVersion: (JSON.parse(pkg) as { version: string }).version, client: client.map(stripSourceMap) };
  } catch (err) {
    throw new StateError(`the HTML report's scripts are missing (${(err as Error).message}): reinstall tradebot or run npm run build`, { cause: err });
  }
}

function stripSourceMap(js: string): string {
  return js.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
}
