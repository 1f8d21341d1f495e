import type { Socket } from 'socket.io';

/** setTimeout's longest delay (about 24.8 days); a later expiry is reached in several steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Disconnects the socket when its access token expires (`io server disconnect` on the client), so
 * that a connection lives no longer than the token it was opened with; the client reconnects with a
 * fresh one. The timer is cleared when the socket goes and never keeps the process alive.
 */
export function disconnectAtExpiry(socket: Socket, expiresAt: number): void {
  if (!Number.isFinite(expiresAt)) return;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const delay = expiresAt - Date.now();
    if (delay <= 0) {
      socket.disconnect(true);
      return;
    }
    timer = setTimeout(arm, Math.min(delay, MAX_DELAY_MS));
    timer.unref();
  };
  socket.once('disconnect', () => clearTimeout(timer));
  arm();
}
