// A one-line progress bar on a terminal (stderr), redrawn at most every 100 ms:
//   scanning [##########..........]  51%  512,000/1,000,000 entries  310,000/s  eta 2s
export class ProgressBar {
  private lastDraw = 0;
  private readonly started = Date.now();
  private shown = false;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly label: string,
    private readonly total: number,
  ) {}

  update(done: number, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const width = 24;
    const filled = Math.round(frac * width);
    const secs = (now - this.started) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? Math.ceil((this.total - done) / rate) : 0;
    const line =
      `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(frac * 100)).padStart(3)}%  ` +
      `${done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')} entries  ${Math.round(rate).toLocaleString('en-US')}/s  eta ${eta}s`;
    this.out.write(`\r${line.slice(0, (this.out.columns || 120) - 1)}\x1b[K`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.out.write('\r\x1b[K');
    this.shown = false;
  }
}
