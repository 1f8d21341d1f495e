/** How far back the speed looks: long enough to smooth chunk bursts, short enough to follow a change. */
const WINDOW_MS = 5000;
/** A speed needs samples at least this far apart to mean anything. */
const MIN_SPAN_MS = 500;

interface Sample {
  at: number;
  bytes: number;
}

/**
 * The speed and time left of one transfer, from the progress callbacks of this window: bytes over the
 * last few seconds. Keeps only the samples of that window, so its cost does not grow with the file.
 */
export class TransferRate {
  private samples: Sample[] = [];

  constructor(private readonly windowMs = WINDOW_MS) {}

  /** Notes `bytes` sent at `at` (ms). Fewer bytes than before (a resume from the server's offset) starts afresh. */
  add(at: number, bytes: number): void {
    const last = this.samples.at(-1);
    if (last && bytes < last.bytes) this.samples = [];
    this.samples.push({ at, bytes });
    // Keep one sample at or before the window's start, as the base of the speed.
    while (this.samples.length > 2 && this.samples[1].at <= at - this.windowMs) this.samples.shift();
  }

  /** Forgets the samples, e.g. while the connection is down (the speed then would be stale). */
  reset(): void {
    this.samples = [];
  }

  /** Bytes per second over the window, or null while there is too little to tell. */
  bytesPerSecond(): number | null {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at - first.at < MIN_SPAN_MS) return null;
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
  }

  /** Milliseconds until `total` bytes are sent at the current speed, or null when unknown. */
  remainingMs(total: number): number | null {
    const rate = this.bytesPerSecond();
    const last = this.samples.at(-1);
    if (rate === null || !last || rate <= 0) return null;
    return (Math.max(0, total - last.bytes) * 1000) / rate;
  }
}
