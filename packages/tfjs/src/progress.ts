// Training progress on stderr: a bar when the stream is a terminal, otherwise a periodic
// line, both with images/s, loss and ETA. Time comes from an injectable clock (tests).

export interface ProgressOptions {
  /** Where lines go (e.g. stderr). */
  write: (text: string) => void;
  /** Draw a bar redrawn in place ('\r') instead of periodic lines. */
  tty: boolean;
  /** Minimum milliseconds between two outputs. */
  intervalMs: number;
  /** Bar width in characters. */
  barWidth: number;
  /** Clock in milliseconds. */
  now: () => number;
  /** What `total` counts, in the line (default 'img'; rates are `${unit}/s`). */
  unit: string;
}

export const PROGRESS_DEFAULTS: Readonly<Omit<ProgressOptions, 'write'>> = Object.freeze({
  tty: false,
  intervalMs: 5000,
  barWidth: 24,
  now: () => Date.now(),
  unit: 'img',
});

/** Formats seconds as `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export interface ProgressUpdate {
  /** Units (images) done so far in this phase. */
  done: number;
  /** Running mean loss. */
  loss?: number;
  /** Running accuracy. */
  acc?: number;
}

/** Reports one phase (e.g. one epoch) of `total` images. */
export class ProgressReporter {
  private readonly o: ProgressOptions;
  private readonly start: number;
  private last = -Infinity;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly total: number,
    options: Partial<ProgressOptions> & Pick<ProgressOptions, 'write'>,
  ) {
    this.o = { ...PROGRESS_DEFAULTS, ...options };
    this.start = this.o.now();
  }

  /** The text of the progress line for `u` (no output). */
  format(u: ProgressUpdate): string {
    const elapsed = (this.o.now() - this.start) / 1000;
    const rate = elapsed > 0 ? u.done / elapsed : 0;
    const eta = rate > 0 ? (this.total - u.done) / rate : Number.NaN;
    const frac = this.total > 0 ? Math.min(1, u.done / this.total) : 1;
    const parts = [this.label];
    if (this.o.tty) {
      const fill = Math.round(frac * this.o.barWidth);
      parts.push(`[${'#'.repeat(fill)}${'-'.repeat(this.o.barWidth - fill)}]`);
    }
    const unit = this.o.unit;
    parts.push(
      `${u.done}/${this.total} ${unit} (${Math.round(frac * 100)}%)`,
      `${rate.toFixed(1)} ${unit}/s`,
    );
    if (u.loss !== undefined) parts.push(`loss ${u.loss.toFixed(4)}`);
    if (u.acc !== undefined) parts.push(`acc ${(u.acc * 100).toFixed(1)}%`);
    parts.push(`ETA ${formatDuration(eta)}`);
    return parts.join('  ');
  }

  /** Prints `u` if the interval has passed since the last output (always in a bar's last update). */
  update(u: ProgressUpdate): void {
    const t = this.o.now();
    if (t - this.last < this.o.intervalMs && u.done < this.total) return;
    this.last = t;
    if (this.o.tty) {
      this.o.write(`\r${this.format(u)}\x1b[K`);
      this.drawn = true;
    } else {
      this.o.write(`${this.format(u)}\n`);
    }
  }

  /** Ends the phase (a bar gets its newline). */
  finish(): void {
    if (this.drawn) this.o.write('\n');
    this.drawn = false;
  }
}
