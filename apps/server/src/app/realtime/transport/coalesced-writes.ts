import type { Writable } from 'node:stream';
import type { Socket } from 'socket.io';

import { turnCork } from './turn-cork';

/** engine.io's connection under a Socket.IO socket. */
type EngineSocket = Socket['conn'];

/**
 * The TCP socket under an engine.io connection's WebSocket transport, or null (long-polling, or a
 * transport whose inside is not the one of engine.io 6 on ws 8).
 */
export function tcpSocketOf(conn: EngineSocket): Writable | null {
  if (conn.transport.name !== 'websocket') return null;
  // engine.io keeps the ws WebSocket in `socket`, ws keeps the net.Socket in `_socket`: both private.
  const tcp = (conn.transport as unknown as { socket?: { _socket?: unknown } }).socket?._socket;
  return tcp && typeof (tcp as Writable).cork === 'function' ? (tcp as Writable) : null;
}

/**
 * Sends the frames that engine.io flushes in one event-loop turn in one write to the connection's
 * TCP socket.
 *
 * engine.io writes a socket's first event at once and buffers the next ones until that write is done;
 * then it flushes them together, but ws writes each frame on its own, one system call a frame. A
 * run's start and end each send two events (`run.updated`, `run.notification`), and under load the
 * changes of many runs are announced in one turn. Corked from engine.io's `flush` until
 * `setImmediate`, a connection takes two writes a turn however many events it is sent (issue 5's
 * lifecycle bench). Nothing waits longer than the turn; where the transport is not a WebSocket this
 * does nothing.
 */
export function coalesceFlushedFrames(conn: EngineSocket): void {
  const cork = turnCork();
  conn.on('flush', () => {
    const tcp = tcpSocketOf(conn);
    if (tcp) cork(tcp);
  });
}
