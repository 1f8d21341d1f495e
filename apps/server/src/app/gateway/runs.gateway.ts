import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  OnGatewayConnection,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { ClientToServerEvents, RUNS_NAMESPACE, ServerToClientEvents } from '@onward/task-domain';
import type { Subscription } from 'rxjs';
import type { Namespace, Socket } from 'socket.io';

import { type AuthUser, isAdmin } from '../auth/auth-user';
import { AuthService } from '../auth/auth.service';
import { RunEvents } from '../runs/run-events';

type RunsSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { user: AuthUser }>;
type RunsNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { user: AuthUser }>;

const userRoom = (userId: string): string => `user:${userId}`;
/** Sockets of admins who asked for every user's runs. */
const ALL_RUNS = 'all-runs';

/** Live run updates: a room per user, plus every run for admins who subscribe. */
@WebSocketGateway({ namespace: RUNS_NAMESPACE, cors: { origin: true, credentials: true } })
export class RunsGateway implements OnGatewayInit, OnGatewayConnection, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RunsGateway.name);
  private subscription: Subscription | null = null;

  @WebSocketServer()
  private namespace!: RunsNamespace;

  constructor(
    private readonly auth: AuthService,
    private readonly events: RunEvents,
  ) {}

  afterInit(namespace: RunsNamespace): void {
    // Middleware, not handleConnection: only a rejected handshake gives the client `connect_error`.
    namespace.use((socket, next) => {
      const token: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.['token'];
      try {
        if (typeof token !== 'string') throw new Error('no token');
        socket.data.user = this.auth.verify(token);
        next();
      } catch {
        next(new Error('unauthorized'));
      }
    });
  }

  handleConnection(socket: RunsSocket): void {
    const user = socket.data.user;
    if (!user) {
      socket.disconnect(true);
      return;
    }
    void socket.join(userRoom(user.id));
  }

  @SubscribeMessage('subscribe.all')
  subscribeAll(socket: RunsSocket): void {
    if (!isAdmin(socket.data.user)) {
      socket.emit('error', { message: 'forbidden: subscribe.all is for admins only' });
      return;
    }
    void socket.join(ALL_RUNS);
  }

  onModuleInit(): void {
    this.subscription = this.events.events$.subscribe((event) => {
      if (!this.namespace) return;
      switch (event.type) {
        case 'updated':
          this.namespace.to(userRoom(event.run.owner.id)).to(ALL_RUNS).emit('run.updated', event.run);
          break;
        case 'deleted':
          this.namespace.to(userRoom(event.ownerId)).to(ALL_RUNS).emit('run.deleted', { id: event.id });
          break;
        case 'notification':
          this.namespace.to(userRoom(event.ownerId)).emit('run.notification', event.notification);
          break;
      }
    });
    this.logger.log(`Socket.IO namespace ${RUNS_NAMESPACE} ready`);
  }

  /** The last of the shutdown hooks: a stopping worker's last updates (runs handed back) still go out. */
  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }
}
