import type { RunProgress } from '@onward/task-domain';

/** The longest progress message stored (the column is varchar(500); PostgreSQL refuses more). */
export const PROGRESS_MESSAGE_MAX = 500;

/** Tells when a run has reported no progress for `afterMs` (since it started, or since its last report). */
export interface StallWatch {
  afterMs: number;
  onStall(): void;
}

/**
 * Coalesces progress reports of one run into at most one write per `intervalMs`: the latest value
 * always wins, writes never overlap, and `close()` hands back what was not written yet so that the
 * final write carries it. With a `StallWatch`, a run silent for its `afterMs` is reported stalled,
 * and the next progress write says that it is no longer (`clearsStall`).
 */
export class ProgressReporter {
  private pending: RunProgress | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastWrite = 0;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly stallTimer: NodeJS.Timeout | null = null;
  private stalled = false;
  private clearsStall = false;

  constructor(
    private readonly intervalMs: number,
    private readonly write: (progress: RunProgress, clearsStall: boolean) => Promise<void>,
    stall: StallWatch | null = null,
  ) {
    if (stall) {
      this.stallTimer = setTimeout(() => {
        if (this.closed) return;
        this.stalled = true;
        stall.onStall();
      }, stall.afterMs);
      this.stallTimer.unref();
    }
  }

  report(percent: number | null, message: string | null): void {
    if (this.closed) return;
    // Re-armed on every report: a timer's refresh costs next to nothing, however often a run reports.
    this.stallTimer?.refresh();
    if (this.stalled) {
      this.stalled = false;
      this.clearsStall = true;
    }
    const clamped = percent === null || !Number.isFinite(percent) ? null : Math.min(100, Math.max(0, percent));
    this.pending = {
      percent: clamped === null ? null : Math.round(clamped * 10) / 10,
      message: message?.slice(0, PROGRESS_MESSAGE_MAX) ?? null,
    };
    if (this.timer) return;
    const wait = Math.max(0, this.lastWrite + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /**
   * Reports, and when a write is due now (none for `intervalMs`), makes it and waits for it: a
   * scheduler shows its next subtask before that subtask starts, while a fast chain's writes still
   * coalesce.
   */
  async reportNow(percent: number | null, message: string | null): Promise<void> {
    this.report(percent, message);
    if (!this.timer || this.lastWrite + this.intervalMs > Date.now()) return;
    clearTimeout(this.timer);
    this.flush();
    await this.writing;
  }

  /** Stops reporting; resolves once any write under way has ended. */
  async close(): Promise<RunProgress | null> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.timer = null;
    await this.writing;
    const last = this.pending;
    this.pending = null;
    return last;
  }

  private flush(): void {
    this.timer = null;
    const progress = this.pending;
    if (!progress || this.closed) return;
    this.pending = null;
    this.lastWrite = Date.now();
    const clearsStall = this.clearsStall;
    this.clearsStall = false;
    this.writing = this.writing.then(() => this.write(progress, clearsStall)).catch(() => undefined);
  }
}
