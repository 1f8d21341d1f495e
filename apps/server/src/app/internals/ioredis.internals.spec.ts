import IORedis from 'ioredis';

import { inCi, REDIS_URL, redisReachable, uniqueRedisPrefix } from '../../../test/support/redis';
import { countSocketWrites } from '../../../test/support/socket-writes';
import { RedisPublisher } from '../gateway/redis-publisher';
import { redisStreamOf, turnBatchedPublishes } from './ioredis.internals';

let suite: jest.Describe = describe;
if (!inCi() && !redisReachable()) {
  console.warn(`\n⚠ Redis at ${REDIS_URL} is unreachable: skipping the publisher tests. In CI this fails.\n`);
  suite = describe.skip;
}

// On the real Redis: what a subscriber receives, and how many socket writes the publisher makes.
suite("turnBatchedPublishes on the adapter's publisher", () => {
  const channel = `${uniqueRedisPrefix()}:channel`;
  let client: RedisPublisher;
  let subscriber: IORedis;
  const received: string[] = [];

  beforeAll(async () => {
    client = new RedisPublisher(REDIS_URL, { maxRetriesPerRequest: null });
    client.beforePublish = turnBatchedPublishes();
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
    const writes = await countSocketWrites(redisStreamOf(client), async () => {
      await work();
      messages = await receivedCount(n);
    });
    return { writes, messages };
  }

  it('sends the publishes of one turn in one write, in order', async () => {
    const publisher = client;
    const sent = await publishing(() => {
      for (let i = 0; i < 5; i++) void publisher.publish(channel, `m${i}`);
    }, 5);
    expect(sent).toEqual({ writes: 1, messages: ['m0', 'm1', 'm2', 'm3', 'm4'] });
  });

  it('takes in the publishes of promise continuations resolved together', async () => {
    const publisher = client;
    const sent = await publishing(() => {
      // Three database answers arriving in one socket read: their continuations run in one burst.
      for (let i = 0; i < 3; i++) void Promise.resolve().then(() => publisher.publish(channel, `run${i}`));
    }, 3);
    expect(sent).toEqual({ writes: 1, messages: ['run0', 'run1', 'run2'] });
  });

  it('takes in the publishes of later ticks of the same turn (I/O callbacks of one poll phase)', async () => {
    const publisher = client;
    const sent = await publishing(() => {
      void publisher.publish(channel, 't1');
      process.nextTick(() => void publisher.publish(channel, 't2'));
      queueMicrotask(() => process.nextTick(() => void publisher.publish(channel, 't3')));
    }, 3);
    expect(sent).toEqual({ writes: 1, messages: ['t1', 't2', 't3'] });
  });

  it("sends a later turn's publishes in a write of their own, after the earlier ones", async () => {
    const publisher = client;
    const sent = await publishing(async () => {
      void publisher.publish(channel, 'a1');
      void publisher.publish(channel, 'a2');
      await new Promise((resolve) => setImmediate(resolve));
      void publisher.publish(channel, 'b1');
    }, 3);
    expect(sent).toEqual({ writes: 2, messages: ['a1', 'a2', 'b1'] });
  });

  it('sends one PUBLISH a write without the hook (the documented path)', async () => {
    client.beforePublish = null;
    try {
      const sent = await publishing(() => {
        for (let i = 0; i < 3; i++) void client.publish(channel, `plain${i}`);
      }, 3);
      expect(sent.messages).toEqual(['plain0', 'plain1', 'plain2']);
      expect(sent.writes).toBeGreaterThan(1);
    } finally {
      client.beforePublish = turnBatchedPublishes();
    }
  });

  it('keeps what is published while Redis is unreachable until the connection is back', async () => {
    const publisher = client;
    client.disconnect(true); // reconnects at once; the publish waits in the offline queue meanwhile
    void publisher.publish(channel, 'offline');
    expect(await receivedCount(1)).toEqual(['offline']);
  });
});
