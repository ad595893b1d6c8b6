// One floating label per chart, placed next to the cursor inside the chart's plotting area.

class Tip {
  readonly el: HTMLDivElement;
  constructor(host: HTMLElement) {
    this.el = document.createElement('div');
    this.el.className = 'tip';
    host.appendChild(this.el);
  }

  show(text: string, left: number, top: number, hostWidth: number): void {
    this.el.textContent = text;
    this.el.style.display = 'block';
    const w = this.el.offsetWidth;
    this.el.style.left = `${left + 14 + w > hostWidth ? Math.max(0, left - w - 14) : left + 14}px`;
    this.el.style.top = `${Math.max(0, top - 10)}px`;
  }

  hide(): void {
    this.el.style.display = 'none';
  }
}
