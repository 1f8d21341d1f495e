import type { RunEvent } from './run-events';

/**
 * Where the engine's run events leave this process. The realtime side provides it (GatewayModule,
 * with the Socket.IO adapter it goes with), so that an app whose realtime side does not is a
 * missing-provider error at start rather than updates lost without a word.
 */
export abstract class Announcer {
  /** Passes `event` on to the sockets that should see it, in every process (this one's alone for a local hint). */
  abstract announce(event: RunEvent): void;

  /**
   * Resolves once every event announced so far has left this process (Redis has it), or after
   * `withinMs` (a Redis that stays away); at once, without a timer, where nothing leaves the process.
   */
  abstract flushed(withinMs: number): Promise<void>;
}
