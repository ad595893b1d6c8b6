/** The page's own styles (uPlot's come with it). Light, print-friendly, no web fonts. */
export const REPORT_CSS = `
:root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#fff;--panel:#f6f8fa;--up:#16a34a;--down:#dc2626;--accent:#2563eb}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer,.notes{max-width:1200px;margin:0 auto;padding:0 20px}
header{padding-top:18px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:18px 0 6px}
.sub,.hint{color:var(--muted);margin:0 0 6px}
.hint{font-size:12px}
.notes ul{margin:12px auto 0;padding:10px 14px 10px 30px;background:#fff8c5;border:1px solid #d4a72c;border-radius:6px}
.metrics{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:8px}
.metric{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:6px 10px;display:flex;flex-direction:column}
.metric span{color:var(--muted);font-size:12px}
.metric b{font-size:16px;font-variant-numeric:tabular-nums}
.chart{position:relative;width:100%;min-height:120px}
.scroll{overflow:auto;max-width:100%}
.scroll.tall{border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
table.data{width:100%;font-size:12.5px}
table.data th,table.data td{padding:3px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
table.data thead th{position:sticky;top:0;background:var(--panel);cursor:pointer;user-select:none}
table.data thead th[aria-sort=ascending]::after{content:" ▲"}
table.data thead th[aria-sort=descending]::after{content:" ▼"}
table.data td.txt,table.data th.txt{text-align:left}
td.pos{color:var(--up)}td.neg{color:var(--down)}
table.kv th{text-align:left;font-weight:500;color:var(--muted);padding:2px 18px 2px 0;white-space:pre;vertical-align:top}
table.kv td{padding:2px 0;word-break:break-all}
table.heat th,table.heat td{padding:4px 8px;text-align:right;font-size:12.5px;border:1px solid #fff}
table.heat td.total{font-weight:600;background:var(--panel)}
.heatmap{position:relative;overflow:auto}
.tip{position:absolute;z-index:10;pointer-events:none;background:rgba(255,255,255,.96);border:1px solid var(--line);border-radius:4px;padding:4px 8px;font-size:12px;white-space:pre;box-shadow:0 2px 6px rgba(0,0,0,.12);display:none}

.pager{display:flex;gap:12px;align-items:center;justify-content:flex-end;margin:6px 0;font-size:12.5px;color:var(--muted)}
.pager button{font:inherit;padding:2px 10px;border:1px solid var(--line);border-radius:4px;background:var(--panel);cursor:pointer}
.pager button:disabled{opacity:.45;cursor:default}
footer{margin:36px auto 24px;color:var(--muted);font-size:12px}
footer pre{white-space:pre-wrap;font-size:11px}
`;
