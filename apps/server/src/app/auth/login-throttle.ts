/**
 * Login brute-force protection, as rate-limiter-flexible's login example does it: a limiter keyed by
 * `username_ip` counts failed logins only, and is read before the password is checked, so that a
 * blocked pair answers 429 whatever the password (a right guess during the block reveals nothing).
 * A success deletes nothing: the contract counts five failures in 15 minutes, and an attacker who
 * shares an address with the user must not get a fresh count from the user's own logins.
 * On Redis (`REDIS_URL`) the count is shared by every API process; otherwise it is this process's.
 */
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import IORedis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

import { TooManyRequestsError } from '../common/domain-errors';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { redisOptions } from '../queue/redis-connection';

/** The window, and how long a blocked pair stays blocked: 15 minutes. */
export const LOGIN_FAILURE_WINDOW_S = 15 * 60;

const tooMany = (retryAfterMs: number): TooManyRequestsError =>
  new TooManyRequestsError(
    'Too many failed logins for this user from this address; try again later',
    Math.max(1, Math.ceil(retryAfterMs / 1000)),
  );

@Injectable()
export class LoginThrottle implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LoginThrottle.name);
  private readonly client: IORedis | null;
  private readonly failures: RateLimiterAbstract;
  /** Failed logins of one username from one address allowed within the window (5 by default). */
  private readonly allowed: number;

  constructor(@Inject(ONWARD_CONFIG) config: OnwardConfig) {
    this.allowed = config.loginMaxFailures;
    const options = { points: this.allowed, duration: LOGIN_FAILURE_WINDOW_S };
    // A worker serves no logins: no Redis connection for it.
    if (!config.redis || config.role === 'worker') {
      this.client = null;
      this.failures = new RateLimiterMemory({ ...options, keyPrefix: 'login-fail' });
      return;
    }
    // The library's advice for ioredis: no offline queue, so that a Redis outage fails fast and the
    // in-memory insurance limiter counts meanwhile instead of logins hanging.
    this.client = new IORedis(redisOptions(config.redis.url, { enableOfflineQueue: false, lazyConnect: true }));
    this.client.on('error', () => undefined); // reconnects by itself; the insurance limiter covers the gap
    this.failures = new RateLimiterRedis({
      ...options,
      storeClient: this.client,
      keyPrefix: `${config.redis.prefix}:login-fail`,
      insuranceLimiter: new RateLimiterMemory(options),
    });
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.client?.connect();
    } catch (error) {
      this.logger.warn(`Login throttling counts in memory until Redis answers: ${(error as Error).message}`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.client?.disconnect();
  }

  /** Rejects with 429 while this pair is blocked; call before checking the password. */
  async assertAllowed(username: string, ip: string): Promise<void> {
    const state = await this.failures.get(key(username, ip));
    if (state !== null && state.consumedPoints >= this.allowed) throw tooMany(state.msBeforeNext);
  }

  /** Counts a failed login; rejects with 429 when this one went beyond the limit (parallel attempts). */
  async failed(username: string, ip: string): Promise<void> {
    try {
      await this.failures.consume(key(username, ip));
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw tooMany(rejection.msBeforeNext);
      throw rejection;
    }
  }
}

function key(username: string, ip: string): string {
  return `${username}_${ip}`;
}
