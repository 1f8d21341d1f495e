import IORedis from 'ioredis';

import { RedisServer, describeWithRedisServer } from '../../../test/cluster/support/redis-server';
import { RedisPublisher } from './redis-publisher';

// A private redis-server, stopped and started again by the tests of `settled()`.
describeWithRedisServer('RedisPublisher on a private redis-server', () => {
  let redis: RedisServer;
  let client: RedisPublisher;

  beforeAll(async () => {
    redis = await RedisServer.start();
    client = new RedisPublisher(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
    client.on('error', () => undefined);
    await client.ping();
  }, 30_000);

  afterAll(async () => {
    await client?.quit();
    await redis?.dispose();
  });

  it("sends one turn's PUBLISHes in one write, in order, and uncorks on the next tick", async () => {
    await client.ping();
    const subscriber = new IORedis(redis.url);
    try {
      const received: string[] = [];
      subscriber.on('message', (_channel: string, message: string) => received.push(message));
      await subscriber.subscribe('onward-turn');

      const answers = [client.publish('onward-turn', 'run.updated'), client.publish('onward-turn', 'run.notification')];
      expect(client.stream.writableCorked).toBe(1);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(client.stream.writableCorked).toBe(0);

      await expect(Promise.all(answers)).resolves.toEqual([1, 1]);
      await client.settled();
      for (let i = 0; i < 100 && received.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(received).toEqual(['run.updated', 'run.notification']);
    } finally {
      subscriber.disconnect();
    }
  });

  it('settles only once Redis is back and has answered what was published meanwhile', async () => {
    const publisher = client;
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
    const fresh = new RedisPublisher(redis.url, { lazyConnect: true });
    await expect(fresh.settled()).resolves.toBeUndefined();
    fresh.disconnect();
  });
});
