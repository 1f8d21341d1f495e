import { type INestApplicationContext, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type IORedis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import type { RedisConfig } from '../config/storage-config';
import { redisOptions } from '../queue/redis-connection';
import { IoTransport } from './io-transport';
import { OnwardIoAdapter } from './onward-io.adapter';
import { RedisPublisher } from './redis-publisher';
import { Resync } from './resync.port';

/**
 * Socket.IO over the Redis adapter: an update emitted in any process (a worker's progress) reaches
 * the sockets connected to every other one. Its Redis clients belong to the RedisIoTransport.
 */
class RedisIoAdapter extends OnwardIoAdapter {
  constructor(
    app: INestApplicationContext,
    config: OnwardConfig,
    private readonly transport: RedisIoTransport,
  ) {
    super(app, config);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    this.transport.attach(server);
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    this.transport.close();
  }
}

/** Redis mode: the adapter's publisher and subscriber, their outages, and when a publish has left. */
@Injectable()
export class RedisIoTransport extends IoTransport implements OnApplicationBootstrap {
  private readonly logger = new Logger('SocketIoRedisAdapter');
  private readonly redis: RedisConfig;
  private readonly clients: IORedis[] = [];
  private readonly publishers: RedisPublisher[] = [];
  private closing = false;

  constructor(
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
    private readonly resync: Resync,
  ) {
    super();
    if (!config.redis) throw new Error('RedisIoTransport needs REDIS_URL');
    this.redis = config.redis;
  }

  createAdapter(app: INestApplicationContext): IoAdapter {
    return new RedisIoAdapter(app, this.config, this);
  }

  /** Another adapter in use would leave the other processes' sockets without this one's updates. */
  onApplicationBootstrap(): void {
    if (this.publishers.length === 0) {
      throw new Error(
        "REDIS_URL is set but the Socket.IO adapter in use is not the Redis transport's (IoTransport.createAdapter): updates would not reach the other processes",
      );
    }
  }

  /** Gives a new Socket.IO server the Redis adapter. */
  attach(server: Server): void {
    // The queue's Redis options (TLS, database, credentials, reconnection that never gives up).
    const pub = new RedisPublisher(redisOptions(this.redis.url, { maxRetriesPerRequest: null }));
    const sub = pub.duplicate();
    this.clients.push(pub, sub);
    this.publishers.push(pub);
    this.watch(pub, 'publisher');
    this.watch(sub, 'subscriber');
    server.adapter(createAdapter(pub, sub, { key: `${this.redis.prefix}:socket.io` }));
  }

  /** Resolves once Redis has taken every update this process has published so far. */
  async published(): Promise<void> {
    await Promise.all(this.publishers.map((publisher) => publisher.settled()));
  }

  close(): void {
    this.closing = true;
    for (const client of this.clients.splice(0)) client.disconnect();
  }

  /**
   * ioredis reconnects by itself (and the subscriber subscribes again); without an error listener
   * every attempt would be an "Unhandled error event". A lost connection is logged once, and its return.
   * Meanwhile the other processes' updates to this one's sockets are lost (Redis pub/sub keeps nothing),
   * and so are those published just before Redis went: once the subscriptions hold again, the
   * Resync port gets when the subscriber lost its connection.
   */
  private watch(client: IORedis, role: 'publisher' | 'subscriber'): void {
    let lostAt: number | null = null;
    client.on('error', () => undefined);
    client.on('close', () => {
      if (this.closing || lostAt !== null) return;
      lostAt = Date.now();
      this.logger.warn(`Redis ${role} connection lost: updates between processes are dropped until it is back`);
    });
    client.on('ready', () => {
      const since = lostAt;
      if (since === null) return;
      const back = (): void => {
        lostAt = null;
        this.logger.log(`Redis ${role} connection is back after ${Date.now() - since} ms`);
      };
      if (role === 'publisher') return back();
      // ioredis sends the subscriptions again before it announces 'ready'; a PING queued behind them
      // answers once they hold. If the connection drops again first, the next 'ready' tries again,
      // still from the first loss.
      client.ping().then(
        () => {
          if (lostAt !== since) return;
          back();
          void this.resync.resync(since);
        },
        () => undefined,
      );
    });
  }
}
