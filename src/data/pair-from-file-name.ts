import { basename } from 'node:path';
import { UsageError } from '../core/errors.js';

/** `binance_BTC_USDT-5m_...csv` → `BTC/USDT`; freqtrade's `BTC_USDT-5m.json` too. */
export function symbolFromFileName(path: string): string | undefined {
  const m = /(?:^|[/\\_])([A-Z0-9]{2,12})[_-]([A-Z0-9]{2,12})-\d+[smhdwM](?=[_.-]|$)/.exec(basename(path));
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/**
 * A pair given for a candle file named for another pair would relabel its candles (BTC prices
 * traded as ETH): refused, naming both. A file whose name names no pair takes any.
 */
export function checkPairMatchesFile(pair: string, file: string, shownAs: string = file): void {
  const named = symbolFromFileName(file);
  if (named === undefined) return;
  const spot = (p: string) => p.split(':')[0]!.trim().toUpperCase();
  if (spot(pair) !== spot(named)) {
    throw new UsageError(`pair ${pair} does not match the candle file ${shownAs}, which is named for ${named}: pass --pair ${named} (or rename the file if its name is wrong)`);
  }
}
