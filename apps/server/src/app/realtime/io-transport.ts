import type { INestApplicationContext } from '@nestjs/common';
import type { IoAdapter } from '@nestjs/platform-socket.io';

/**
 * How this process's Socket.IO server reaches the sockets of the others: the adapter to use, and
 * when what it published has left. Chosen by the configuration in GatewayModule (Redis or none).
 */
export abstract class IoTransport {
  /** The Socket.IO adapter of `app` (for `app.useWebSocketAdapter`). */
  abstract createAdapter(app: INestApplicationContext): IoAdapter;

  /**
   * Resolves once every update published so far has left this process; null when updates never
   * leave it (one process, no Redis).
   */
  abstract published(): Promise<void> | null;
}
