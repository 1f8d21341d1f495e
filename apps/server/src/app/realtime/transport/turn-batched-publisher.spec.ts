import IORedis from 'ioredis';

import { RedisServer, describeWithRedisServer } from '../../../../test/cluster/support/redis-server';
import { inCi, REDIS_URL, redisReachable, uniqueRedisPrefix } from '../../../../test/support/redis';
import { countSocketWrites } from '../../../../test/support/socket-writes';
import { turnBatchedPublisher } from './turn-batched-publisher';

let suite: jest.Describe = describe;
if (!inCi() && !redisReachable()) {
  console.warn(`\n⚠ Redis at ${REDIS_URL} is unreachable: skipping the publisher tests. In CI this fails.\n`);
  suite = describe.skip;
}

// On the real Redis: what a subscriber receives, and how many socket writes the publisher makes.
suite('turnBatchedPublisher', () => {
  const channel = `${uniqueRedisPrefix()}:channel`;
  let client: IORedis;
  let subscriber: IORedis;
  const received: string[] = [];

  beforeAll(async () => {
    client = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
    subscriber = client.duplicate();
    subscriber.on('message', (_channel: string, message: string) => received.push(message));
    await subscriber.subscribe(channel);
    await client.ping();
  });

  afterAll(async () => {
    await Promise.all([client?.quit(), subscriber?.quit()]);
  });

  beforeEach(() => {
    received.length = 0;
  });

  async function receivedCount(n: number): Promise<string[]> {
    for (let i = 0; i < 200 && received.length < n; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    return [...received];
  }

  /** Runs `work`, waits for `n` messages, and counts the system-call writes of the client's socket meanwhile. */
  async function publishing(work: () => unknown, n: number): Promise<{ writes: number; messages: string[] }> {
    let messages: string[] = [];
    const writes = await countSocketWrites(client.stream, async () => {
      await work();
      messages = await receivedCount(n);
    });
    return { writes, messages };
  }

  it('sends the publishes of one turn in one write, in order', async () => {
    const publisher = turnBatchedPublisher(client);
    const sent = await publishing(() => {
      for (let i = 0; i < 5; i++) void publisher.publish(channel, `m${i}`);
    }, 5);
    expect(sent).toEqual({ writes: 1, messages: ['m0', 'm1', 'm2', 'm3', 'm4'] });
  });

  it('takes in the publishes of promise continuations resolved together', async () => {
    const publisher = turnBatchedPublisher(client);
    const sent = await publishing(() => {
      // Three database answers arriving in one socket read: their continuations run in one burst.
      for (let i = 0; i < 3; i++) void Promise.resolve().then(() => publisher.publish(channel, `run${i}`));
    }, 3);
    expect(sent).toEqual({ writes: 1, messages: ['run0', 'run1', 'run2'] });
  });

  it('takes in the publishes of later ticks of the same turn (I/O callbacks of one poll phase)', async () => {
    const publisher = turnBatchedPublisher(client);
    const sent = await publishing(() => {
      void publisher.publish(channel, 't1');
      process.nextTick(() => void publisher.publish(channel, 't2'));
      queueMicrotask(() => process.nextTick(() => void publisher.publish(channel, 't3')));
    }, 3);
    expect(sent).toEqual({ writes: 1, messages: ['t1', 't2', 't3'] });
  });

  it("sends a later turn's publishes in a write of their own, after the earlier ones", async () => {
    const publisher = turnBatchedPublisher(client);
    const sent = await publishing(async () => {
      void publisher.publish(channel, 'a1');
      void publisher.publish(channel, 'a2');
      await new Promise((resolve) => setImmediate(resolve));
      void publisher.publish(channel, 'b1');
    }, 3);
    expect(sent).toEqual({ writes: 2, messages: ['a1', 'a2', 'b1'] });
  });

  it('leaves everything else to the client', async () => {
    const publisher = turnBatchedPublisher(client);
    expect(await publisher.ping()).toBe('PONG');
    expect(publisher.status).toBe('ready');
    const listener = (): void => undefined;
    publisher.on('error', listener);
    expect(client.listeners('error')).toContain(listener);
    publisher.off('error', listener);
  });

  it('keeps what is published while Redis is unreachable until the connection is back', async () => {
    const publisher = turnBatchedPublisher(client);
    client.disconnect(true); // reconnects at once; the publish waits in the offline queue meanwhile
    void publisher.publish(channel, 'offline');
    expect(await receivedCount(1)).toEqual(['offline']);
  });
});

// A private redis-server, stopped and started again: `settled()` waits for Redis to take the publishes.
describeWithRedisServer('turnBatchedPublisher while Redis is away', () => {
  let redis: RedisServer;
  let client: IORedis;

  beforeAll(async () => {
    redis = await RedisServer.start();
    client = new IORedis(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
    client.on('error', () => undefined);
    await client.ping();
  }, 30_000);

  afterAll(async () => {
    await client?.quit();
    await redis?.dispose();
  });

  it('settles only once Redis is back and has answered what was published meanwhile', async () => {
    const publisher = turnBatchedPublisher(client);
    await redis.stop();
    void publisher.publish('onward-test', 'while away');
    let settled = false;
    const settling = publisher.settled().then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(settled).toBe(false);

    await redis.start();
    await settling;
    expect(settled).toBe(true);
  }, 30_000);

  it('settles at once when nothing was published', async () => {
    await expect(turnBatchedPublisher(client).settled()).resolves.toBeUndefined();
  });
});
