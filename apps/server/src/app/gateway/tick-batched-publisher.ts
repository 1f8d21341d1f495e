import type IORedis from 'ioredis';

/**
 * The Socket.IO adapter's publisher, with the PUBLISHes of one tick sent as one pipeline (one socket
 * write) at `process.nextTick`: a run's `run.updated` and `run.notification`, or the updates of
 * several runs whose database writes resolved together. Order is kept: pipelines and single commands
 * go out on one connection in the order they were issued.
 *
 * Not ioredis's `enableAutoPipelining`, which waits for `setImmediate`, a whole event-loop turn: a
 * worker killed in that turn would lose the update of a run it has already stored. Here the window
 * closes before the process takes any other I/O callback.
 *
 * Everything but `publish` goes to the client itself (the adapter's `on`, `off`, PUBSUB, …).
 */
export function tickBatchedPublisher(client: IORedis): IORedis {
  let pending: [channel: string, message: string | Buffer][] = [];
  const flush = (): void => {
    const batch = pending;
    pending = [];
    if (batch.length === 1) {
      const [channel, message] = batch[0] as [string, string | Buffer];
      client.publish(channel, message).catch(() => undefined);
    } else {
      client
        .pipeline(batch.map(([channel, message]) => ['publish', channel, message]))
        .exec()
        .catch(() => undefined);
    }
  };
  const publish = (channel: string, message: string | Buffer): Promise<number> => {
    if (pending.length === 0) process.nextTick(flush);
    pending.push([channel, message]);
    // The adapter never reads the count of receivers.
    return Promise.resolve(0);
  };
  return new Proxy(client, {
    get(target, property) {
      if (property === 'publish') return publish;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
