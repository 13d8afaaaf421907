import { formatCount } from '../output/human-units';

const REDRAW_MS = 100;
const BAR_WIDTH = 24;

/**
 * One line of progress on a terminal: a bar and percentage when the total is known, the count, extra details,
 * and the rate. Redrawn in place at most ten times a second; `finish` clears it before the summary is printed.
 */
export class ProgressBar {
  readonly #started = Date.now();
  #lastDraw = 0;
  #drawn = false;

  constructor(
    private readonly terminal: { readonly write: (text: string) => void; readonly columns: () => number },
    private readonly label: string,
    private readonly unit: string,
    private readonly total?: number,
  ) {}

  update(done: number, detail = ''): void {
    const now = Date.now();
    if (this.#drawn && now - this.#lastDraw < REDRAW_MS) return;
    this.#lastDraw = now;
    this.#drawn = true;
    const seconds = Math.max((now - this.#started) / 1000, 0.001);
    const rate = done / seconds;
    const parts = [this.label];
    if (this.total !== undefined && this.total > 0) {
      const ratio = Math.min(done / this.total, 1);
      const filled = Math.round(ratio * BAR_WIDTH);
      parts.push(`[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${Math.floor(ratio * 100)}%`);
      parts.push(`${formatCount(done)}/${formatCount(this.total)} ${this.unit}`);
    } else {
      parts.push(`${formatCount(done)} ${this.unit}`);
    }
    if (detail) parts.push(detail);
    parts.push(`${rate < 10 ? rate.toFixed(1) : formatCount(Math.round(rate))} ${this.unit}/s`);
    const line = parts.join('  ').slice(0, Math.max(this.terminal.columns() - 1, 20));
    this.terminal.write(`\r${line}\x1b[K`);
  }

  finish(): void {
    if (this.#drawn) this.terminal.write('\r\x1b[K');
  }
}
