import { type INestApplicationContext, Inject, Injectable } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { IncomingMessage } from 'node:http';
import type { Server, ServerOptions } from 'socket.io';

import { socketOriginAllowed } from '../common/http-security';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { IoTransport } from './io-transport';

/**
 * Socket.IO with Onward's origin rule: browsers of this origin and of ONWARD_CORS_ORIGINS may open
 * sockets (and the polling transport gets CORS headers for the listed origins); any other origin's
 * handshake is refused.
 */
export class OnwardIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: OnwardConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origins = this.config.corsOrigins;
    return super.createIOServer(port, {
      ...options,
      cors: origins.length > 0 ? { origin: [...origins], credentials: true } : undefined,
      // A worker only emits (through Redis); when it listens (for its metrics scraper) it takes no sockets.
      allowRequest: (request: IncomingMessage, callback: (error: string | null | undefined, ok: boolean) => void) =>
        callback(null, this.config.role !== 'worker' && socketOriginAllowed(request, origins)),
    }) as Server;
  }
}

/** One process, no Redis: the sockets are all here, and an emitted update has left at once. */
@Injectable()
export class LocalIoTransport extends IoTransport {
  constructor(@Inject(ONWARD_CONFIG) private readonly config: OnwardConfig) {
    super();
  }

  createAdapter(app: INestApplicationContext): IoAdapter {
    return new OnwardIoAdapter(app, this.config);
  }

  published(): null {
    return null;
  }
}
