/**
 * Deterministic client order ids: a prefix naming the bot (or run) and a sequence number
 * stored with the state. The same decisions replayed give the same ids, so a restart can find
 * an order it may or may not have sent. Binance allows [.A-Z:/a-z0-9_-]{1,36}.
 */
export class OrderIds {
  constructor(
    readonly prefix: string,
    private seq = 0,
  ) {
    if (!/^[A-Za-z0-9_-]{1,20}$/.test(prefix)) throw new RangeError(`order id prefix ${JSON.stringify(prefix)} must be 1-20 of [A-Za-z0-9_-]`);
  }
  next(): string {
    this.seq += 1;
    return `${this.prefix}-${this.seq}`;
  }
  get sequence(): number {
    return this.seq;
  }
}

/** A short stable prefix from a bot name (FNV-1a), so different bots never share ids. */
export function idPrefixFor(name: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `tb${h.toString(36)}`;
}
