// The optimize heatmap: the objective over two parameters, drawn on a canvas, a value on hover.

function heatColor(v: number, min: number, max: number): string {
  // diverging around 0 when the values straddle it, else light to dark blue
  if (min < 0 && max > 0) {
    const t = v >= 0 ? v / max : v / -min;
    const a = 0.12 + 0.88 * Math.min(1, Math.abs(t));
    return v >= 0 ? `rgba(22,163,74,${a})` : `rgba(220,38,38,${a})`;
  }
  const t = max > min ? (v - min) / (max - min) : 1;
  return `rgba(37,99,235,${0.12 + 0.88 * t})`;
}

function drawHeatmap(host: HTMLElement, g: ObjectiveGrid): void {
  const values = g.cells.flat().filter((v): v is number => v !== null);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const labelW = 70;
  const labelH = 40;
  const avail = Math.max(300, host.clientWidth - labelW - 10);
  const cw = Math.max(4, Math.min(36, Math.floor(avail / Math.max(1, g.xs.length))));
  const ch = Math.max(4, Math.min(24, cw));
  const width = labelW + cw * g.xs.length + 10;
  const height = ch * g.ys.length + labelH + 20;
  const canvas = document.createElement('canvas');
  const dpr = devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  host.appendChild(canvas);
  const ctx = canvas.getContext('2d')!;
  ctx.scale(dpr, dpr);
  ctx.fillStyle = '#f6f8fa';
  ctx.fillRect(labelW, 10, cw * g.xs.length, ch * g.ys.length);
  g.cells.forEach((row, yi) =>
    row.forEach((v, xi) => {
      if (v === null) return;
      ctx.fillStyle = heatColor(v, min, max);
      ctx.fillRect(labelW + xi * cw, 10 + yi * ch, cw, ch);
    }),
  );
  ctx.fillStyle = '#656d76';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const yStep = Math.ceil(14 / ch);
  g.ys.forEach((y, yi) => {
    if (yi % yStep === 0) ctx.fillText(y, labelW - 4, 10 + yi * ch + ch / 2);
  });
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const xStep = Math.ceil(34 / cw);
  g.xs.forEach((x, xi) => {
    if (xi % xStep === 0) ctx.fillText(x, labelW + xi * cw + cw / 2, 12 + ch * g.ys.length);
  });
  ctx.fillText(`${g.x} →`, labelW + (cw * g.xs.length) / 2, 26 + ch * g.ys.length);
  ctx.save();
  ctx.translate(10, 10 + (ch * g.ys.length) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(`${g.y} →`, 0, 0);
  ctx.restore();

  const legend = document.createElement('p');
  legend.className = 'hint';
  legend.textContent = `${g.objective}: from ${Number(min.toPrecision(4))} to ${Number(max.toPrecision(4))}${min < 0 && max > 0 ? ' (red below 0, green above)' : ' (darker is higher)'}; grey: no trial`;
  host.appendChild(legend);
  const tip = new Tip(host);
  canvas.addEventListener('mousemove', (e) => {
    const r = canvas.getBoundingClientRect();
    const xi = Math.floor((e.clientX - r.left - labelW) / cw);
    const yi = Math.floor((e.clientY - r.top - 10) / ch);
    const v = g.cells[yi]?.[xi];
    if (v === undefined || xi < 0) return tip.hide();
    tip.show(`${g.x} = ${g.xs[xi]}\n${g.y} = ${g.ys[yi]}\n${g.objective}: ${v === null ? 'no trial' : Number(v.toPrecision(5))}`, e.clientX - r.left + host.scrollLeft, e.clientY - r.top, host.clientWidth);
  });
  canvas.addEventListener('mouseleave', () => tip.hide());
}
