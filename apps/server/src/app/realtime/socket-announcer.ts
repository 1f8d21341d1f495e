import { Injectable, Logger } from '@nestjs/common';

import { Announcer } from '../engine/announcer.port';
import type { RunEvent } from '../engine/run-events';
import { IoTransport } from './io-transport';
import { RunsGateway } from './runs.gateway';

/** The engine's Announcer on Socket.IO: the gateway's rooms, and the transport's word on what has left. */
@Injectable()
export class SocketAnnouncer extends Announcer {
  private readonly logger = new Logger('Announcer');

  constructor(
    private readonly gateway: RunsGateway,
    private readonly transport: IoTransport,
  ) {
    super();
  }

  /** Never throws: a socket's trouble must not fail the engine's write that announced the change. */
  announce(event: RunEvent): void {
    try {
      this.gateway.broadcast(event);
    } catch (error) {
      this.logger.error(`Could not send a run's ${event.type} event to the sockets: ${(error as Error).message}`);
    }
  }

  async flushed(withinMs: number): Promise<void> {
    const published = this.transport.published();
    if (!published) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, withinMs)));
    try {
      await Promise.race([published, bound]);
    } finally {
      clearTimeout(timer);
    }
  }
}
