import type IORedis from 'ioredis';

/**
 * The Socket.IO adapter's publisher, with the PUBLISHes of one tick sent in one socket write: a run's
 * `run.updated` and `run.notification`, or the updates of several runs whose database writes resolved
 * together. The first PUBLISH of a tick corks the connection's socket and `process.nextTick` uncorks
 * it. Order is kept: every command goes out on one connection in the order it was issued.
 *
 * Not ioredis's `enableAutoPipelining`, which waits for `setImmediate`, a whole event-loop turn: a
 * worker killed in that turn would lose the update of a run it has already stored. Here the window
 * closes before the process takes any other I/O callback. Not an ioredis pipeline per tick either:
 * building one cost more CPU than the write it saved (issue 5's lifecycle bench: about 30 µs per
 * event more than single PUBLISHes, against about 10 µs less with the cork).
 *
 * Everything but `publish` goes to the client itself (the adapter's `on`, `off`, PUBSUB, …).
 */
export type TickBatchedPublisher = IORedis & {
  /**
   * Resolves once Redis has answered every PUBLISH issued so far (it has passed them on to the
   * subscribers). While Redis is away, not before it is back.
   */
  settled(): Promise<void>;
};

const ignore = (): undefined => undefined;

export function tickBatchedPublisher(client: IORedis): TickBatchedPublisher {
  /** The last PUBLISH's answer; answers come in order on one connection, so it settles after the others. */
  let last: Promise<void> = Promise.resolve();
  let corked = false;
  const publish = (channel: string, message: string | Buffer): Promise<number> => {
    // While the connection is down, commands wait in ioredis's offline queue and are sent in order later.
    if (!corked && client.status === 'ready') {
      const stream = client.stream;
      corked = true;
      stream.cork();
      process.nextTick(() => {
        corked = false;
        stream.uncork();
      });
    }
    const answered = client.publish(channel, message);
    // Also observes a rejection (a connection closed for good), which would otherwise go unhandled.
    last = answered.then(ignore, ignore);
    return answered;
  };
  const settled = (): Promise<void> => last;
  return new Proxy(client, {
    get(target, property) {
      if (property === 'publish') return publish;
      if (property === 'settled') return settled;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as TickBatchedPublisher;
}
