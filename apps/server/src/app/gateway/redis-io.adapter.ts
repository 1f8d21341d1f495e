import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import IORedis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

import type { RedisConfig } from '../config/onward-config';

/**
 * Socket.IO over the Redis adapter: an update emitted in any process (a worker's progress) reaches
 * the sockets connected to every other one.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly clients: IORedis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly redis: RedisConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    // Not auto-pipelined: that sends a turn's PUBLISHes together a turn later, so a worker killed
    // in between would lose the update of a run it has already stored. (With it, the soak once lost
    // a run's final update to every socket; it has also done so once without it, so that failure is
    // not proven to be this window. See issue 5's notes.)
    const pub = new IORedis(this.redis.url, { maxRetriesPerRequest: null });
    const sub = pub.duplicate();
    this.clients.push(pub, sub);
    // ioredis reconnects by itself; without a listener every attempt is an "Unhandled error event".
    for (const client of [pub, sub]) client.on('error', () => undefined);
    server.adapter(createAdapter(pub, sub, { key: `${this.redis.prefix}:socket.io` }));
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    for (const client of this.clients.splice(0)) client.disconnect();
  }
}
