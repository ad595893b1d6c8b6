// Reads the embedded data and draws the page's charts and tables.

function byId<T extends HTMLElement>(id: string): T | null {
  return document.getElementById(id) as T | null;
}

function startReport(): void {
  const data = JSON.parse(byId('report-data')!.textContent ?? '{}') as ReportData;
  const trades = decodeTrades(data.trades);
  const heat = byId('heatmap');
  if (heat && data.heatmap) drawHeatmap(heat, data.heatmap);
  const wfEl = byId('walk-forward-chart');
  const charts: uPlot[] = [];
  const fitters: [uPlot, HTMLElement][] = [];
  if (wfEl && data.walkForwardEquity) {
    const c = simpleLineChart(wfEl, decodeLine(data.walkForwardEquity), 'Out-of-sample equity');
    fitters.push([c, wfEl]);
  }

  const levels = data.levels.map((p) => decodeLevel(p, data.priceScale, data.equityScale));
  const overview = levels[levels.length - 1] ?? null;
  const markers: Marker[] = [];
  for (const t of trades) {
    markers.push({ time: t.entry / 1000, price: Number(t.entryPrice), kind: 'entry', trade: t });
    if (t.exit !== null && t.exitPrice !== null) markers.push({ time: t.exit / 1000, price: Number(t.exitPrice), kind: 'exit', trade: t });
  }

  const priceEl = byId('price-chart');
  const levelLabel = byId('price-level');
  const price = priceEl && overview ? priceChart(priceEl, overview, markers, levelLabel) : null;
  if (price && priceEl) {
    charts.push(price);
    fitters.push([price, priceEl]);
  }
  const eqEl = byId('equity-chart');
  const ddEl = byId('underwater-chart');
  const eqOverview = data.equity ? decodeLine(data.equity) : null;
  const ddOverview = data.underwater ? decodeLine(data.underwater) : null;
  const equity = eqEl && eqOverview ? equityChart(eqEl, eqOverview, data.hasBuyAndHold) : null;
  const underwater = ddEl && ddOverview ? underwaterChart(ddEl, ddOverview) : null;
  if (equity && eqEl) {
    charts.push(equity);
    fitters.push([equity, eqEl]);
  }
  if (underwater && ddEl) {
    charts.push(underwater);
    fitters.push([underwater, ddEl]);
  }

  // one x range for all: a zoom in any chart zooms the others
  let syncing = false;
  let current = overview;
  const firstOpen = overview?.open[0] ?? 1;
  const applyRange = (min: number, max: number) => {
    if (price && current) {
      const lv = pickLevel(levels, min, max);
      if (lv !== current) {
        current = lv;
        price.setData(levelData(lv), false);
        if (levelLabel) levelLabel.textContent = `${lv.timeframe} candles${lv === overview ? '' : ' (zoomed)'}`;
        const detail = lv === overview ? null : levelLines(lv, data.startEquity, firstOpen);
        if (equity && eqOverview) equity.setData(detail ? [detail.equity.time, ...detail.equity.values.slice(0, data.hasBuyAndHold ? 2 : 1)] : [eqOverview.time, ...eqOverview.values], false);
        if (underwater && ddOverview) underwater.setData(detail ? [detail.underwater.time, detail.underwater.values[0]!] : [ddOverview.time, ddOverview.values[0]!], false);
      }
    }
    for (const c of charts) c.setScale('x', { min, max });
  };
  for (const c of charts) {
    c.hooks.setScale = [
      ...(c.hooks.setScale ?? []),
      (u: uPlot, key: string) => {
        if (key !== 'x' || syncing) return;
        const { min, max } = u.scales.x!;
        if (min == null || max == null) return;
        syncing = true;
        try {
          applyRange(min, max);
        } finally {
          syncing = false;
        }
      },
    ];
  }
  // double-click: back to the whole run
  const full = overview ? [overview.time[0]!, overview.time[overview.time.length - 1]! + overview.tfMs / 1000] : eqOverview ? [eqOverview.time[0]!, eqOverview.time[eqOverview.time.length - 1]!] : null;
  for (const c of charts) {
    c.over.addEventListener('dblclick', (e) => {
      e.stopPropagation();
      if (full) applyRange(full[0]!, full[1]!);
    }, true);
  }

  // the table last, after the charts: thousands of rows make every layout the charts ask for slow
  const table = byId<HTMLTableElement>('trades');
  if (table) tradeTable(table, trades);

  let pending = 0;
  window.addEventListener('resize', () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      for (const [c, el] of fitters) c.setSize({ width: chartWidth(el), height: c.height });
    });
  });
  document.body.dataset.ready = 'true';
}

startReport();
