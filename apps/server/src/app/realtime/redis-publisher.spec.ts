import { RedisServer, describeWithRedisServer } from '../../../test/cluster/support/redis-server';
import { RedisPublisher } from './redis-publisher';

// A private redis-server, stopped and started again: `settled()` waits for Redis to take the publishes.
describeWithRedisServer('RedisPublisher while Redis is away', () => {
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
