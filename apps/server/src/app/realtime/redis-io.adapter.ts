import { type INestApplicationContext, Logger } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-adapter';
import IORedis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

import type { OnwardConfig, RedisConfig } from '../config/onward-config';
import { OnwardIoAdapter } from './onward-io.adapter';
import { type TurnBatchedPublisher, turnBatchedPublisher } from './transport/turn-batched-publisher';

/**
 * Socket.IO over the Redis adapter: an update emitted in any process (a worker's progress) reaches
 * the sockets connected to every other one.
 */
export class RedisIoAdapter extends OnwardIoAdapter {
  private readonly logger = new Logger('SocketIoRedisAdapter');
  private readonly clients: IORedis[] = [];
  private readonly publishers: TurnBatchedPublisher[] = [];
  private closing = false;

  constructor(
    app: INestApplicationContext,
    config: OnwardConfig,
    private readonly redis: RedisConfig,
    /** Called once the subscriber is subscribed again after a lost connection, with when it was lost. */
    private readonly onResubscribed: (lostAt: number) => void = () => undefined,
  ) {
    super(app, config);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    const pub = new IORedis(this.redis.url, { maxRetriesPerRequest: null });
    const sub = pub.duplicate();
    this.clients.push(pub, sub);
    this.watch(pub, 'publisher');
    this.watch(sub, 'subscriber');
    // One write per event-loop turn for the PUBLISHes of the runs' changes made in it (run.updated and
    // run.notification); see turnBatchedPublisher for why it is safe and why not an ioredis pipeline.
    const publisher = turnBatchedPublisher(pub);
    this.publishers.push(publisher);
    server.adapter(createAdapter(publisher, sub, { key: `${this.redis.prefix}:socket.io` }));
    return server;
  }

  /** Resolves once Redis has taken every update this process has published so far. */
  async published(): Promise<void> {
    await Promise.all(this.publishers.map((publisher) => publisher.settled()));
  }

  /**
   * ioredis reconnects by itself (and the subscriber subscribes again); without an error listener
   * every attempt would be an "Unhandled error event". A lost connection is logged once, and its return.
   * Meanwhile the other processes' updates to this one's sockets are lost (Redis pub/sub keeps nothing),
   * and so are those published just before Redis went: once the subscriptions hold again,
   * `onResubscribed` gets when the subscriber lost its connection.
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
          this.onResubscribed(since);
        },
        () => undefined,
      );
    });
  }

  override async close(server: Server): Promise<void> {
    this.closing = true;
    await super.close(server);
    for (const client of this.clients.splice(0)) client.disconnect();
  }
}
