// The one progress display of a sweep: a status line (points done / total, running, failed,
// percent, points per hour, ETA) redrawn in place on a terminal or printed periodically
// otherwise, with each point's own lines (start, result, failure) printed above it. The ETA
// comes from the work done in this session: finished points and the step fraction of running
// ones (progress a resumed point made before this session does not count as speed).

export interface SweepProgressOptions {
  write: (text: string) => void;
  tty: boolean;
  /** Milliseconds between status outputs (the terminal line is redrawn at most this often). */
  intervalMs: number;
  now: () => number;
  formatDuration: (seconds: number) => string;
}

interface Running {
  /** Step fraction now and when this session first heard of it. */
  frac: number;
  base: number | null;
}

export class SweepProgress {
  private readonly running = new Map<string, Running>();
  private readonly start: number;
  private finishedUnits = 0;
  private failed = 0;
  private last = -Infinity;
  private drawn = false;

  constructor(
    private readonly total: number,
    private done: number,
    private readonly o: SweepProgressOptions,
  ) {
    this.start = o.now();
  }

  /** The status line's text. */
  status(): string {
    const elapsed = (this.o.now() - this.start) / 1000;
    let progressed = this.finishedUnits;
    let inFlight = 0;
    for (const r of this.running.values()) {
      progressed += r.frac - (r.base ?? r.frac);
      inFlight += r.frac;
    }
    const remaining = this.total - this.done - inFlight - this.failed;
    const rate = elapsed > 0 ? progressed / elapsed : 0;
    const eta = rate > 0 ? remaining / rate : Number.NaN;
    const pct = this.total > 0 ? Math.floor(((this.done + inFlight) / this.total) * 100) : 100;
    const parts = [
      `sweep: ${this.done}/${this.total} points done`,
      `${this.running.size} running`,
      ...(this.failed ? [`${this.failed} failed`] : []),
      `${pct}%`,
      ...(rate > 0 ? [`${(rate * 3600).toFixed(1)} points/h`] : []),
      `ETA ${this.o.formatDuration(eta)}`,
    ];
    return parts.join('  ');
  }

  private draw(force: boolean): void {
    const t = this.o.now();
    if (!force && t - this.last < this.o.intervalMs) return;
    this.last = t;
    if (this.o.tty) {
      this.o.write(`\r${this.status()}\x1b[K`);
      this.drawn = true;
    } else {
      this.o.write(`${this.status()}\n`);
    }
  }

  /** A line of its own (above the status line on a terminal). */
  line(text: string): void {
    if (this.drawn) this.o.write('\r\x1b[K');
    this.o.write(`${text}\n`);
    this.drawn = false;
    if (this.o.tty) this.draw(true);
  }

  started(id: string, text: string): void {
    this.running.set(id, { frac: 0, base: null });
    this.line(text);
  }

  progress(id: string, frac: number): void {
    const r = this.running.get(id);
    if (!r) return;
    r.base ??= frac;
    r.frac = frac;
    this.draw(false);
  }

  /** The point finished (it joins the done count). */
  finished(id: string, text: string): void {
    const r = this.running.get(id);
    this.running.delete(id);
    this.finishedUnits += 1 - (r?.base ?? 0);
    this.done++;
    this.line(text);
  }

  failedPoint(id: string, text: string): void {
    this.running.delete(id);
    this.failed++;
    this.line(text);
  }

  /** Interrupted or postponed: no longer running, not done. */
  stopped(id: string, text: string): void {
    this.running.delete(id);
    this.line(text);
  }

  /** Prints the final status line. */
  finish(): void {
    this.draw(true);
    if (this.o.tty) this.o.write('\n');
    this.drawn = false;
  }
}
