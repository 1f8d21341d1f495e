import IORedis, { type Callback } from 'ioredis';

const ignore = (): undefined => undefined;

/**
 * The Socket.IO adapter's publishing client: it knows when Redis has answered every PUBLISH issued
 * so far (`settled`), which is when a run's update has left this process. A worker's job finishes
 * only then, so a worker killed before the write loses nothing: the job of such a run comes back and
 * the run is announced again.
 *
 * The PUBLISHes of one turn of the event loop leave in one write: a run that starts or ends emits
 * `run.updated` and `run.notification` together, two PUBLISHes, and each write to a local socket costs
 * the process a system call and wakes Redis. The connection's socket is corked at the turn's first
 * PUBLISH and uncorked on the next tick (Node's `writable.cork()`, as its documentation shows), which
 * sends them as one; ioredis's `enableAutoPipelining` batches the same way through a pipeline per turn,
 * which cost more CPU per run than it saved (bench/README.md, the procedure section).
 */
export class RedisPublisher extends IORedis {
  /** The last PUBLISH's answer; answers come in order on one connection, so it settles after the others. */
  private last: Promise<void> = Promise.resolve();
  /** Whether the connection's socket is corked for this turn (uncorked on the next tick). */
  private corked = false;

  override publish(channel: string | Buffer, message: string | Buffer, callback?: Callback<number>): Promise<number> {
    this.corkForThisTurn();
    // ioredis takes a trailing argument for a callback only when it is a function: never pass undefined.
    const answered = callback ? super.publish(channel, message, callback) : super.publish(channel, message);
    // Also observes a rejection (a connection closed for good), which would otherwise go unhandled.
    this.last = answered.then(ignore, ignore);
    return answered;
  }

  private corkForThisTurn(): void {
    // Before the connection is ready ioredis queues commands itself, and writes them as one when it is.
    if (this.corked || this.status !== 'ready') return;
    const socket = this.stream;
    socket.cork();
    this.corked = true;
    process.nextTick(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  /**
   * Resolves once Redis has answered every PUBLISH issued so far (it has passed them on to the
   * subscribers). While Redis is away, not before it is back.
   */
  settled(): Promise<void> {
    return this.last;
  }
}
