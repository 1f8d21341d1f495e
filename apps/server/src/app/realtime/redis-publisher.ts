import IORedis, { type Callback } from 'ioredis';

const ignore = (): undefined => undefined;

/**
 * The Socket.IO adapter's publishing client: it knows when Redis has answered every PUBLISH issued
 * so far (`settled`), which is when a run's update has left this process. A worker's job finishes
 * only then, so a worker killed before the write loses nothing: the job of such a run comes back and
 * the run is announced again.
 */
export class RedisPublisher extends IORedis {
  /** The last PUBLISH's answer; answers come in order on one connection, so it settles after the others. */
  private last: Promise<void> = Promise.resolve();

  override publish(channel: string | Buffer, message: string | Buffer, callback?: Callback<number>): Promise<number> {
    // ioredis takes a trailing argument for a callback only when it is a function: never pass undefined.
    const answered = callback ? super.publish(channel, message, callback) : super.publish(channel, message);
    // Also observes a rejection (a connection closed for good), which would otherwise go unhandled.
    this.last = answered.then(ignore, ignore);
    return answered;
  }

  /**
   * Resolves once Redis has answered every PUBLISH issued so far (it has passed them on to the
   * subscribers). While Redis is away, not before it is back.
   */
  settled(): Promise<void> {
    return this.last;
  }
}
