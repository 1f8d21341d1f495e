import { Inject, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { ClientToServerEvents, RUNS_NAMESPACE, ServerToClientEvents } from '@onward/task-domain';
import type { Namespace, Socket } from 'socket.io';

import { AccountChecks } from '../auth/account-checks';
import { type AuthUser, isAdmin } from '../auth/auth-user';
import { AuthService } from '../auth/auth.service';
import { UnauthorizedError } from '../common/domain-errors';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import type { RunEvent } from '../engine/run-events';
import { RunViews } from '../persistence/run-views';
import { RunDeletionsRepository } from '../persistence/run-deletions.repository';
import { RunsRepository } from '../persistence/runs.repository';
import { RunMetrics } from '../observability/run-metrics';
import { Resync } from './resync.port';
import { disconnectAtExpiry } from './token-expiry';
import { SocketLimit, TOO_MANY_CONNECTIONS } from './socket-limit';

/** The socket's user and when the token it connected with expires. */
type SocketData = { user: AuthUser; expiresAt: number };
type RunsSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type RunsNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const userRoom = (userId: string): string => `user:${userId}`;
/** Sockets of admins who asked for every user's runs. */
const ALL_RUNS = 'all-runs';
/**
 * After a Redis outage, runs changed since this long before the connection was lost are sent again:
 * an update is published after its run's timestamps are taken and its write committed, which can take
 * seconds under load, and Redis drops what it had not yet passed on.
 */
const RESYNC_MARGIN_MS = 10_000;

/** Live run updates: a room per user, plus every run for admins who subscribe. */
// Origins and CORS of the sockets: OnwardIoAdapter (ONWARD_CORS_ORIGINS).
@WebSocketGateway({ namespace: RUNS_NAMESPACE })
export class RunsGateway
  implements Resync, OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnApplicationShutdown
{
  private readonly logger = new Logger(RunsGateway.name);
  /** Set by the last of the shutdown hooks: until then a stopping worker's last updates still go out. */
  private stopped = false;
  private accountCheck: NodeJS.Timeout | null = null;
  private readonly socketLimit: SocketLimit;

  @WebSocketServer()
  private namespace!: RunsNamespace;

  constructor(
    private readonly auth: AuthService,
    private readonly repository: RunsRepository,
    private readonly deletions: RunDeletionsRepository,
    private readonly accounts: AccountChecks,
    private readonly views: RunViews,
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
    private readonly metrics: RunMetrics,
  ) {
    this.socketLimit = new SocketLimit(config.limits.socketsPerUser, config.redis !== null);
  }

  afterInit(namespace: RunsNamespace): void {
    // Middleware, not handleConnection: only a rejected handshake gives the client `connect_error`.
    namespace.use((socket, next) => {
      const token: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.['token'];
      if (typeof token !== 'string') return next(new Error('unauthorized'));
      this.auth.verifyToken(token).then(
        ({ user, expiresAt }) => {
          socket.data.user = user;
          socket.data.expiresAt = expiresAt;
          this.socketLimit.admit(namespace, userRoom(user.id), user.id).then(
            ({ ok, admitted }) => {
              if (!ok) return next(new Error(TOO_MANY_CONNECTIONS));
              next();
              admitted();
            },
            (error: Error) => next(error),
          );
        },
        () => next(new Error('unauthorized')),
      );
    });
  }

  handleConnection(socket: RunsSocket): void {
    const user = socket.data.user;
    if (!user) {
      socket.disconnect(true);
      return;
    }
    disconnectAtExpiry(socket, socket.data.expiresAt);
    void socket.join(userRoom(user.id));
    this.metrics.socketOpened();
  }

  handleDisconnect(socket: RunsSocket): void {
    // Only the sockets counted above: one refused in handleConnection has no user.
    if (socket.data.user) this.metrics.socketClosed();
  }

  @SubscribeMessage('subscribe.all')
  subscribeAll(socket: RunsSocket): void {
    if (!isAdmin(socket.data.user)) {
      socket.emit('error', { message: 'forbidden: subscribe.all is for admins only' });
      return;
    }
    void socket.join(ALL_RUNS);
  }

  /** Sends a run event to the sockets of its owner (and of admins watching every run), in every process. */
  broadcast(event: RunEvent): void {
    if (!this.namespace || this.stopped) return;
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
      case 'stats':
        (event.local ? this.namespace.local : this.namespace).to(ALL_RUNS).emit('stats.updated');
        break;
    }
  }

  onModuleInit(): void {
    this.logger.log(`Socket.IO namespace ${RUNS_NAMESPACE} ready`);
    this.accountCheck = setInterval(() => void this.checkAccounts(), this.config.accountCheckMs);
    this.accountCheck.unref();
  }

  /**
   * Disconnects the sockets whose user was disabled or changed their password since the socket's
   * token was issued, and takes every user's runs away from demoted admins: one query for every user
   * with a socket on this process, then each socket's token is checked against the fresh states.
   */
  async checkAccounts(): Promise<void> {
    if (!this.namespace || this.namespace.sockets.size === 0) return;
    const sockets = [...this.namespace.sockets.values()];
    try {
      await this.accounts.refresh([...new Set(sockets.map((socket) => socket.data.user.id))]);
    } catch (error) {
      this.logger.warn(`Could not check the accounts of the connected users: ${(error as Error).message}`);
      return;
    }
    for (const socket of sockets) {
      const token = (socket.handshake.auth as Record<string, unknown>)['token'] as string;
      this.auth.verify(token).then(
        (user) => {
          // Roles as they are now: a demoted admin stops receiving every user's runs.
          socket.data.user = user;
          if (!isAdmin(user)) void socket.leave(ALL_RUNS);
        },
        (error: unknown) => {
          if (error instanceof UnauthorizedError) socket.disconnect(true);
        },
      );
    }
  }

  /**
   * Called when this process's Socket.IO adapter is subscribed to Redis again after losing it at
   * `lostAt`: the other processes' updates of the outage never reached this one's sockets, so every
   * run that may have changed is sent to them again from the database, and every run deleted since
   * (remembered in `run_deletions`). A socket ignores a view it already holds (same version), and a
   * deletion of a run it does not hold.
   */
  async resync(lostAt: number): Promise<void> {
    if (!this.namespace || this.namespace.sockets.size === 0) return;
    try {
      const since = new Date(lostAt - RESYNC_MARGIN_MS).toISOString();
      const [runs, deletions] = await Promise.all([
        this.repository.findChangedSince(since),
        this.deletions.findDeletedSince(since),
      ]);
      for (const run of runs) {
        this.namespace.local.to(userRoom(run.ownerId)).to(ALL_RUNS).emit('run.updated', this.views.of(run));
      }
      for (const { id, ownerId } of deletions) {
        this.namespace.local.to(userRoom(ownerId)).to(ALL_RUNS).emit('run.deleted', { id });
      }
      this.logger.log(
        `Sent ${runs.length} runs that changed and ${deletions.length} deleted around the Redis outage to this process's sockets again`,
      );
    } catch (error) {
      this.logger.warn(`Could not send the runs changed around the Redis outage again: ${(error as Error).message}`);
    }
  }

  onApplicationShutdown(): void {
    if (this.accountCheck) clearInterval(this.accountCheck);
    this.stopped = true;
  }
}
