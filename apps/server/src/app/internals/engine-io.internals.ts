import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import { Server, type Socket } from 'socket.io';

import { turnCork } from './turn-cork';

/** engine.io's connection under a Socket.IO socket (engine.io comes with socket.io). */
type EngineSocket = Socket['conn'];

/**
 * The TCP socket under an engine.io connection's WebSocket transport, or null (long-polling, or an
 * engine.io or ws whose inside has changed). engine.io keeps the ws WebSocket in the transport's
 * `socket`, ws keeps the net.Socket in `_socket`: both private. Never throws.
 */
export function tcpSocketOf(conn: EngineSocket): Writable | null {
  try {
    if (conn.transport?.name !== 'websocket') return null;
    const tcp = (conn.transport as unknown as { socket?: { _socket?: unknown } }).socket?._socket;
    if (!tcp || typeof tcp !== 'object') return null;
    const stream = tcp as Partial<Writable>;
    return typeof stream.cork === 'function' && typeof stream.uncork === 'function' ? (tcp as Writable) : null;
  } catch {
    return null;
  }
}

/**
 * Sends the frames that engine.io flushes in one event-loop turn in one write to the connection's
 * TCP socket.
 *
 * engine.io writes a socket's first event at once and buffers the next ones until that write is done;
 * then it flushes them together, but ws writes each frame on its own, one system call a frame. A
 * run's start and end each send two events (`run.updated`, `run.notification`), and under load the
 * changes of many runs are announced in one turn. Corked from engine.io's `flush` until
 * `setImmediate`, a connection takes two writes a turn however many events it is sent. Nothing waits
 * longer than the turn; where the transport is not a WebSocket (or its inside is not the one known
 * here) this does nothing.
 */
export function coalesceFlushedFrames(conn: EngineSocket): void {
  const cork = turnCork();
  conn.on('flush', () => {
    const tcp = tcpSocketOf(conn);
    if (tcp) cork(tcp);
  });
}

/**
 * Opens a real Socket.IO (engine.io) connection over loopback TCP (a WebSocket from Node's own client) and tells
 * whether `tcpSocketOf` finds its TCP socket: true or false, or null when the probe could not run.
 */
export async function probeEngineIo(timeoutMs = 5_000): Promise<boolean | null> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'] });
  let client: WebSocket | null = null;
  const timer = setTimeout(() => http.emit('error', new Error('engine.io probe timed out')), timeoutMs);
  try {
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const { port } = http.address() as AddressInfo;
    const connected = once(io.engine, 'connection') as Promise<[EngineSocket]>;
    const failed = once(http, 'error').then(([error]) => Promise.reject(error as Error));
    client = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
    const [conn] = await Promise.race([connected, failed]);
    return tcpSocketOf(conn) !== null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
    client?.close();
    http.closeAllConnections();
    await io.close().catch(() => undefined);
  }
}
