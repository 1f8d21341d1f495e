import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';

import { UnauthorizedError } from '../common/domain-errors';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { type Role, UserEntity } from './user.entity';

/** What a token's acceptance depends on beyond its signature; null = no such user. */
interface AccountState {
  disabled: boolean;
  /** The roles now (a token carries those of its login: a demotion must not wait for its expiry). */
  roles: Role[];
  /** Tokens issued before this instant (epoch ms) are no longer accepted; 0 = never changed. */
  passwordChangedAtMs: number;
  /** Except the token of this session, which changed the password. */
  passwordSession: string | null;
}

/** The columns an account's state is read from. */
const STATE_COLUMNS = {
  id: true,
  disabled: true,
  passwordChangedAt: true,
  passwordSession: true,
  roles: true,
} as const;

/** Users read by one statement of `refresh`. */
const REFRESH_SLICE = 1000;

/** Users remembered at most; the memory is cleared when full. */
const USERS_MAX = 10_000;

/**
 * Whether a local user's tokens still work: the account exists, is enabled, and the token was issued
 * after the last password change. Each user's state is read at most once per `accountCheckMs` (one
 * indexed read per user, not per request), so a change made on another process takes effect within
 * that time; the process that made it forgets its copy at once.
 */
@Injectable()
export class AccountChecks {
  private readonly states = new Map<string, { state: AccountState | null; checkedAt: number }>();
  private readonly loading = new Map<string, Promise<AccountState | null>>();

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
  ) {}

  /**
   * Rejects with UnauthorizedError unless a token of this user issued at `issuedAtMs` in session
   * `sessionId` still works; resolves with the user's roles now (null in jwt mode, where the token's
   * roles hold).
   */
  async assertAllowed(userId: string, issuedAtMs: number, sessionId: string | null): Promise<Role[] | null> {
    // The host application owns its users in jwt mode; Onward disables no one there.
    if (this.config.auth.mode !== 'local') return null;
    const state = await this.state(userId);
    if (!state) throw new UnauthorizedError('The user of this token no longer exists');
    if (state.disabled) throw new UnauthorizedError('This account is disabled');
    if (issuedAtMs < state.passwordChangedAtMs && (sessionId === null || sessionId !== state.passwordSession)) {
      throw new UnauthorizedError('The password was changed since this token was issued; log in again');
    }
    return state.roles;
  }

  /** Reads the state of these users in one query (the gateway's periodic check of its sockets). */
  async refresh(userIds: string[]): Promise<void> {
    if (this.config.auth.mode !== 'local' || userIds.length === 0) return;
    const checkedAt = Date.now();
    // In slices: the databases bound how many parameters one statement may carry.
    for (let start = 0; start < userIds.length; start += REFRESH_SLICE) {
      const ids = userIds.slice(start, start + REFRESH_SLICE);
      const rows = await this.users.find({
        select: STATE_COLUMNS,
        where: { id: In(ids) },
      });
      const found = new Map(rows.map((row) => [row.id, toState(row)]));
      for (const id of ids) this.remember(id, found.get(id) ?? null, checkedAt);
    }
  }

  /** The account changed on this process (an admin's edit, a password change): read it again next time. */
  forget(userId: string): void {
    this.states.delete(userId);
    this.loading.delete(userId);
  }

  private async state(userId: string): Promise<AccountState | null> {
    const known = this.states.get(userId);
    if (known && Date.now() - known.checkedAt < this.config.accountCheckMs) return known.state;
    // Concurrent requests of one user share one read.
    let pending = this.loading.get(userId);
    if (!pending) {
      const checkedAt = Date.now();
      const load: Promise<AccountState | null> = this.users
        .findOne({
          select: STATE_COLUMNS,
          where: { id: userId },
        })
        .then((row) => {
          const state = row ? toState(row) : null;
          // A forget() during the read means this state may be stale: keep it for this caller only.
          if (this.loading.get(userId) === load) this.remember(userId, state, checkedAt);
          return state;
        })
        .finally(() => {
          if (this.loading.get(userId) === load) this.loading.delete(userId);
        });
      this.loading.set(userId, load);
      pending = load;
    }
    return pending;
  }

  private remember(userId: string, state: AccountState | null, checkedAt: number): void {
    if (this.states.size >= USERS_MAX) this.states.clear();
    this.states.set(userId, { state, checkedAt });
  }
}

function toState(row: Pick<UserEntity, 'disabled' | 'passwordChangedAt' | 'passwordSession' | 'roles'>): AccountState {
  return {
    disabled: row.disabled,
    roles: row.roles,
    passwordChangedAtMs: row.passwordChangedAt ? Date.parse(row.passwordChangedAt) : 0,
    passwordSession: row.passwordSession,
  };
}
