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
   * Resolves once every PUBLISH issued so far has left this process: written whole to the connected
   * socket, whose bytes the kernel delivers even if the process is killed the next moment, or, when the
   * socket could not take them at once (Redis away, a full socket buffer), answered by Redis. So a
   * command written after it (a job's completion) never reaches Redis without them.
   */
  settled(): Promise<void>;
};

/** Whether everything written to the client's connection so far is in the kernel, none of it queued in this process. */
function handedOver(client: IORedis): boolean {
  return client.status === 'ready' && client.stream?.writableLength === 0;
}

export function tickBatchedPublisher(client: IORedis): TickBatchedPublisher {
  let pending: [channel: string, message: string | Buffer][] = [];
  /**
   * Settles once the last batch sent, and with it every earlier one, has left this process: at once
   * when the socket took it whole, else with its reply (replies come in order on one connection).
   */
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
    const answered = sent.then(
      () => undefined,
      () => undefined,
    );
    last = handedOver(client) ? Promise.resolve() : answered;
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
