import type IORedis from 'ioredis';

import { turnCork } from './turn-cork';

/**
 * The Socket.IO adapter's publisher, with the PUBLISHes of one event-loop turn sent in one socket
 * write: a run's `run.updated` and `run.notification`, and those of every run whose database answer
 * arrived in the same turn. The first PUBLISH of a turn corks the connection's socket and
 * `setImmediate` uncorks it. Order is kept: every command goes out on one connection in the order it
 * was issued.
 *
 * A worker killed before the write loses nothing: a run's job finishes only once Redis has answered
 * its last update (`settled`, through `RunEvents.delivered`), so the job of such a run comes back and
 * the run is announced again. Per turn rather than per tick: under load the answers of many runs
 * arrive in one turn, each continuing in a tick of its own (issue 5's lifecycle bench, PostgreSQL at
 * concurrency 10: 10.4 → 8.7 socket writes per run). Not an ioredis pipeline: building one cost more
 * CPU than the write it saved (about 30 µs per event more than single PUBLISHes).
 *
 * Everything but `publish` goes to the client itself (the adapter's `on`, `off`, PUBSUB, …).
 */
export type TurnBatchedPublisher = IORedis & {
  /**
   * Resolves once Redis has answered every PUBLISH issued so far (it has passed them on to the
   * subscribers). While Redis is away, not before it is back.
   */
  settled(): Promise<void>;
};

const ignore = (): undefined => undefined;

export function turnBatchedPublisher(client: IORedis): TurnBatchedPublisher {
  /** The last PUBLISH's answer; answers come in order on one connection, so it settles after the others. */
  let last: Promise<void> = Promise.resolve();
  const cork = turnCork();
  const publish = (channel: string, message: string | Buffer): Promise<number> => {
    // While the connection is down, commands wait in ioredis's offline queue and are sent in order later.
    if (client.status === 'ready') cork(client.stream);
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
  }) as TurnBatchedPublisher;
}
