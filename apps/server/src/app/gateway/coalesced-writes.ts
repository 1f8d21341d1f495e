import type { Writable } from 'node:stream';
import type { Socket } from 'socket.io';

/** engine.io's connection under a Socket.IO socket. */
type EngineSocket = Socket['conn'];

/**
 * The TCP socket under an engine.io connection's WebSocket transport, or null (long-polling, or a
 * transport whose inside is not the one of engine.io 6 on ws 8).
 */
function tcpSocketOf(conn: EngineSocket): Writable | null {
  if (conn.transport.name !== 'websocket') return null;
  // engine.io keeps the ws WebSocket in `socket`, ws keeps the net.Socket in `_socket`: both private.
  const tcp = (conn.transport as unknown as { socket?: { _socket?: unknown } }).socket?._socket;
  return tcp && typeof (tcp as Writable).cork === 'function' ? (tcp as Writable) : null;
}

/**
 * Sends the frames that engine.io flushes at once in one write to the connection's TCP socket.
 *
 * engine.io sends a socket's first event at once and buffers the next ones until that write is done;
 * then it flushes them together, but ws writes each frame on its own, one system call a frame. A
 * run's start and end each send two events (`run.updated`, `run.notification`), and on SQLite a quick
 * run's claim and completion are committed, and announced, together. Corked from engine.io's `flush`
 * to the next tick, a flush leaves in one write (issue 5's lifecycle bench). Nothing waits longer than
 * that tick; where the transport is not a WebSocket this does nothing.
 */
export function coalesceFlushedFrames(conn: EngineSocket): void {
  conn.on('flush', () => {
    const tcp = tcpSocketOf(conn);
    if (!tcp) return;
    tcp.cork();
    process.nextTick(() => tcp.uncork());
  });
}
