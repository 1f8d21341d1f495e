import type { Logger } from '@nestjs/common';

/**
 * A pass of background work every `everyMs`, once at start too: never two at once (a pass still going
 * when the next is due is not overlapped), never a rejection (a failure is logged and the next pass
 * tries again), and `stop()` waits for the pass under way. The timer keeps no process alive.
 */
export class PeriodicPass {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly what: string,
    private readonly pass: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(everyMs: number): void {
    this.timer = setInterval(() => void this.run(), everyMs);
    this.timer.unref();
    void this.run();
  }

  /** One pass now, or the one under way. Never rejects. */
  run(): Promise<void> {
    this.running ??= this.pass()
      .catch((error: Error) => this.logger.warn(`${this.what} failed; trying again later: ${error.message}`))
      .finally(() => (this.running = null));
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
