import { Injectable } from '@angular/core';
import type { ClientToServerEvents, ServerToClientEvents } from '@onward/task-domain';
import { io, type Socket } from 'socket.io-client';

/** The few socket operations the monitor needs; a thin seam so the client can be tested without a server. */
export interface MonitorSocket {
  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): void;
  onConnect(listener: () => void): void;
  onDisconnect(listener: (reason: string) => void): void;
  onConnectError(listener: (error: Error) => void): void;
  emit(event: keyof ClientToServerEvents): void;
  /** Connects again after the server closed the connection (Socket.IO does not, on its own). */
  open(): void;
  close(): void;
}

/** Opens Socket.IO connections; replace it in tests with a fake. */
@Injectable({ providedIn: 'root', useFactory: () => new IoSocketFactory() })
export abstract class SocketFactory {
  /** Connects to `url` (namespace included); `auth` is read again on every reconnect attempt. */
  abstract connect(url: string, auth: () => { token: string | null }): MonitorSocket;
}

/** The real adapter over socket.io-client. */
export class IoSocketFactory extends SocketFactory {
  connect(url: string, auth: () => { token: string | null }): MonitorSocket {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
      // A callback, so a reconnect after a token refresh sends the new token.
      auth: (cb) => cb(auth()),
      reconnectionDelayMax: 10_000,
    });
    return {
      on: (event, listener) => {
        // socket.io's typed `on` cannot relate a generic key to its listener; the map guarantees it.
        (socket.on as (e: string, l: unknown) => void)(event, listener);
      },
      onConnect: (listener) => socket.on('connect', listener),
      onDisconnect: (listener) => socket.on('disconnect', (reason) => listener(reason)),
      onConnectError: (listener) => socket.on('connect_error', listener),
      emit: (event) => socket.emit(event),
      open: () => socket.connect(),
      close: () => socket.close(),
    };
  }
}
