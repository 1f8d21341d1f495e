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
export type TickBatchedPublisher = IORedis & {
  /**
   * Resolves once Redis has answered every PUBLISH issued so far (it has passed them on to the
   * subscribers). While Redis is away, not before it is back.
   */
  settled(): Promise<void>;
};

export function tickBatchedPublisher(client: IORedis): TickBatchedPublisher {
  let pending: [channel: string, message: string | Buffer][] = [];
  /** The last batch sent; replies come in order on one connection, so it answers after the others. */
  let last: Promise<void> = Promise.resolve();
  /** Callers of `settled` while a batch waits to be sent: they wait for that batch. */
  const waiting: ((sent: Promise<void>) => void)[] = [];
  const flush = (): void => {
    const batch = pending;
    pending = [];
    const sent =
      batch.length === 1
        ? client.publish(...(batch[0] as [string, string | Buffer]))
        : client.pipeline(batch.map(([channel, message]) => ['publish', channel, message])).exec();
    last = sent.then(
      () => undefined,
      () => undefined,
    );
    for (const resolve of waiting.splice(0)) resolve(last);
  };
  const publish = (channel: string, message: string | Buffer): Promise<number> => {
    if (pending.length === 0) process.nextTick(flush);
    pending.push([channel, message]);
    // The adapter never reads the count of receivers.
    return Promise.resolve(0);
  };
  const settled = (): Promise<void> => (pending.length === 0 ? last : new Promise((resolve) => waiting.push(resolve)));
  return new Proxy(client, {
    get(target, property) {
      if (property === 'publish') return publish;
      if (property === 'settled') return settled;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as TickBatchedPublisher;
}
