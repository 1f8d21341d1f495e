import { Logger } from '@nestjs/common';
import type { Namespace } from 'socket.io';

import { PerUserCounter } from '../common/per-user-counter';

/** The `connect_error` message of a handshake beyond `ONWARD_MAX_SOCKETS_PER_USER`. */
export const TOO_MANY_CONNECTIONS = 'too many connections';

/**
 * `ONWARD_MAX_SOCKETS_PER_USER`: a handshake is refused while the user already holds that many
 * sockets. The sockets counted are those in the user's room: with the Redis adapter, on every API
 * process (`fetchSockets`, one Redis round trip per handshake: handshakes are rare next to updates,
 * and a per-process count would let a user hold the limit on each process); without Redis, this
 * process's room (no round trip). Handshakes of the same user being checked at the same moment in
 * this process count too; two processes checking at the same moment may still each let one through.
 */
export class SocketLimit {
  private readonly logger = new Logger(SocketLimit.name);
  /** Handshakes past authentication and not yet in their room, per user. */
  private readonly checking = new PerUserCounter(Number.MAX_SAFE_INTEGER);

  constructor(
    private readonly max: number,
    private readonly acrossProcesses: boolean,
  ) {}

  /**
   * Resolves true when `userId` may open one more socket on `namespace`. Call `admitted` right after
   * the handshake's `next()` when it did.
   */
  async admit(namespace: Namespace, room: string, userId: string): Promise<{ ok: boolean; admitted: () => void }> {
    const release = this.checking.acquire(userId) ?? (() => undefined);
    try {
      const connected = await this.connected(namespace, room);
      const alsoChecking = this.checking.count(userId) - 1;
      if (connected + alsoChecking >= this.max) {
        release();
        return { ok: false, admitted: () => undefined };
      }
    } catch (error) {
      release();
      throw error;
    }
    // Socket.IO connects an admitted socket (and the gateway puts it in its room) in a nextTick
    // queued by `next()`; this one runs after it, so the socket is never counted twice nor missed.
    return { ok: true, admitted: () => process.nextTick(release) };
  }

  private async connected(namespace: Namespace, room: string): Promise<number> {
    const here = namespace.adapter.rooms.get(room)?.size ?? 0;
    if (!this.acrossProcesses || here >= this.max) return here;
    try {
      return (await namespace.in(room).fetchSockets()).length;
    } catch (error) {
      // Redis away (or a process that does not answer): this process's own sockets still count.
      this.logger.warn(`Could not count a user's sockets on every process: ${(error as Error).message}`);
      return here;
    }
  }
}
