/**
 * Sends this process's sockets again what a lost Redis subscription kept from them. The gateway
 * provides it; the Redis transport calls it once its subscriber is subscribed again.
 */
export abstract class Resync {
  /** `lostAt`: when the subscriber lost its connection (ms since the epoch). */
  abstract resync(lostAt: number): Promise<void>;
}
