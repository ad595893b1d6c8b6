// The trade table: every trade, sortable by any column (click or Enter on a header).

type TradeKey = 'n' | 'symbol' | 'entry' | 'exit' | 'held' | 'entryPrice' | 'exitPrice' | 'qty' | 'fees' | 'pnl' | 'ret' | 'reason';

function sortValue(t: Trade, key: TradeKey): number | string {
  switch (key) {
    case 'symbol':
      return t.symbol;
    case 'reason':
      return t.reason ?? '';
    case 'entryPrice':
    case 'qty':
    case 'fees':
    case 'pnl':
      return Number(t[key]);
    case 'exitPrice':
      return t.exitPrice === null ? -Infinity : Number(t.exitPrice);
    case 'exit':
    case 'held':
      return t[key] ?? Infinity;
    default:
      return t[key];
  }
}

function tradeCells(t: Trade): [string, string][] {
  const pnl = Number(t.pnl);
  return [
    [String(t.n), ''],
    [t.symbol, 'txt'],
    [fmtTime(t.entry), 'txt'],
    [t.exit === null ? 'open' : fmtTime(t.exit), 'txt'],
    [t.held === null ? '–' : fmtDuration(t.held), ''],
    [t.entryPrice, ''],
    [t.exitPrice ?? '–', ''],
    [t.qty, ''],
    [t.fees, ''],
    [t.pnl, pnl > 0 ? 'pos' : pnl < 0 ? 'neg' : ''],
    [`${t.ret >= 0 ? '+' : ''}${fmtPct(t.ret)}`, t.ret > 0 ? 'pos' : t.ret < 0 ? 'neg' : ''],
    [t.reason ?? 'open', 'txt'],
  ];
}

function tradeTable(table: HTMLTableElement, trades: Trade[]): void {
  const tbody = table.tBodies[0]!;
  const rows = new Map<Trade, HTMLTableRowElement>();
  for (const t of trades) {
    const tr = document.createElement('tr');
    for (const [text, cls] of tradeCells(t)) {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) td.className = cls;
      tr.appendChild(td);
    }
    rows.set(t, tr);
  }
  const render = (list: Trade[]) => {
    const frag = document.createDocumentFragment();
    for (const t of list) frag.appendChild(rows.get(t)!);
    tbody.replaceChildren(frag);
  };
  render(trades);
  const headers = [...table.tHead!.rows[0]!.cells];
  headers.forEach((th, i) => {
    if (i === 1 || i === 2 || i === 3 || i === 11) th.classList.add('txt');
    const sort = () => {
      const key = th.dataset.key as TradeKey;
      const dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      for (const other of headers) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      const sorted = [...trades].sort((a, b) => {
        const x = sortValue(a, key);
        const y = sortValue(b, key);
        return (x < y ? -1 : x > y ? 1 : a.n - b.n) * dir;
      });
      render(sorted);
    };
    th.addEventListener('click', sort);
    th.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        sort();
      }
    });
  });
}
