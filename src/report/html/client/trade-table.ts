// The trade table: every trade, sortable by any column (click or Enter on a header), 100 a page.

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

const PAGE_ROWS = 100;

/**
 * Rows are made for the page shown only: thousands of table rows would make the browser's first
 * layout take seconds. Sorting orders all trades; the pager walks through them.
 */
function tradeTable(table: HTMLTableElement, trades: Trade[]): void {
  const tbody = table.tBodies[0]!;
  const rows = new Map<Trade, HTMLTableRowElement>();
  const rowOf = (t: Trade) => {
    let tr = rows.get(t);
    if (!tr) {
      tr = document.createElement('tr');
      for (const [text, cls] of tradeCells(t)) {
        const td = document.createElement('td');
        td.textContent = text;
        if (cls) td.className = cls;
        tr.appendChild(td);
      }
      rows.set(t, tr);
    }
    return tr;
  };
  let order = trades;
  let page = 0;
  const pages = Math.max(1, Math.ceil(trades.length / PAGE_ROWS));
  const pager = document.createElement('div');
  pager.className = 'pager';
  const prev = document.createElement('button');
  const next = document.createElement('button');
  const info = document.createElement('span');
  prev.textContent = '‹ previous';
  next.textContent = 'next ›';
  pager.append(prev, info, next);
  if (pages > 1) table.parentElement!.after(pager);
  const render = () => {
    const frag = document.createDocumentFragment();
    const first = page * PAGE_ROWS;
    for (const t of order.slice(first, first + PAGE_ROWS)) frag.appendChild(rowOf(t));
    tbody.replaceChildren(frag);
    info.textContent = `${(first + 1).toLocaleString('en-US')}–${Math.min(first + PAGE_ROWS, order.length).toLocaleString('en-US')} of ${order.length.toLocaleString('en-US')}`;
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
  };
  prev.addEventListener('click', () => {
    page = Math.max(0, page - 1);
    render();
  });
  next.addEventListener('click', () => {
    page = Math.min(pages - 1, page + 1);
    render();
  });
  render();
  const headers = [...table.tHead!.rows[0]!.cells];
  headers.forEach((th, i) => {
    if (i === 1 || i === 2 || i === 3 || i === 11) th.classList.add('txt');
    const sort = () => {
      const key = th.dataset.key as TradeKey;
      const dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      for (const other of headers) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      order = [...trades].sort((a, b) => {
        const x = sortValue(a, key);
        const y = sortValue(b, key);
        return (x < y ? -1 : x > y ? 1 : a.n - b.n) * dir;
      });
      page = 0;
      render();
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
