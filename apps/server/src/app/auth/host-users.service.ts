import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import type { AuthUser } from './auth-user';
import type { HostIdentity } from './host-token.verifier';
import { Role, UserEntity } from './user.entity';

/** Users remembered at most; the memory is cleared when full (the next token of each writes nothing new). */
const KNOWN_USERS_MAX = 100_000;
/** `users.username` holds 100 characters; room is left for a `#n` suffix. */
const USERNAME_BASE_MAX = 90;
const MAX_SUFFIX = 1000;

function sameRoles(a: Role[], b: Role[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role));
}

/**
 * The host application's users in Onward's `users` table (`ONWARD_AUTH=jwt`): created the first
 * time a token of theirs is seen (id = the token's id claim, no password), their username made
 * unique with `#2`, `#3`… when another user has it, and their name and roles brought up to date when
 * a token says otherwise. Each process remembers what it stored, so that a user costs one write when
 * new or changed, not one per request.
 */
@Injectable()
export class HostUsers {
  /** By user id: what the identity looked like when stored, and the user Onward made of it. */
  private readonly known = new Map<string, { identity: string; user: AuthUser }>();
  /** Syncs under way, by user id: a burst of a new user's first requests writes once. */
  private readonly pending = new Map<string, Promise<AuthUser>>();

  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /** The stored user for this identity, written first if it is new or changed. */
  async sync(identity: HostIdentity): Promise<AuthUser> {
    const key = JSON.stringify([identity.username, identity.displayName, identity.admin]);
    const known = this.known.get(identity.id);
    if (known?.identity === key) return known.user;
    const running = this.pending.get(identity.id);
    if (running) {
      await running.catch(() => undefined);
      return this.sync(identity);
    }
    const writing = this.write(identity).finally(() => this.pending.delete(identity.id));
    this.pending.set(identity.id, writing);
    const user = await writing;
    if (this.known.size >= KNOWN_USERS_MAX) this.known.clear();
    this.known.set(identity.id, { identity: key, user });
    return user;
  }

  private async write(identity: HostIdentity): Promise<AuthUser> {
    const roles: Role[] = identity.admin ? ['user', 'admin'] : ['user'];
    const displayName = identity.displayName.slice(0, 200);
    // Another process may take the same username between the look-up and the insert: try again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const stored = await this.users.findOneBy({ id: identity.id });
      if (stored) {
        const username = this.ownsUsername(stored.username, identity.username)
          ? stored.username
          : await this.freeUsername(identity.username, identity.id);
        if (stored.username !== username || stored.displayName !== displayName || !sameRoles(stored.roles, roles)) {
          await this.users.update({ id: identity.id }, { username, displayName, roles });
        }
        return Object.freeze({ id: identity.id, username, displayName, roles: Object.freeze(roles) as Role[] });
      }
      const username = await this.freeUsername(identity.username, identity.id);
      await this.users
        .createQueryBuilder()
        .insert()
        .values({
          id: identity.id,
          username,
          displayName,
          roles,
          passwordHash: null,
          createdAt: new Date().toISOString(),
        })
        .orIgnore()
        .execute();
    }
    throw new Error(`Could not store the host user ${identity.id}: their username kept clashing`);
  }

  /** Whether a stored username is this claim's, as given or made unique earlier. */
  private ownsUsername(stored: string, claimed: string): boolean {
    const base = claimed.slice(0, USERNAME_BASE_MAX);
    return (
      stored === claimed.slice(0, 100) || (stored.startsWith(`${base}#`) && /^\d+$/.test(stored.slice(base.length + 1)))
    );
  }

  /** The claimed username, else the first of `name#2`, `name#3`… that no other user has. */
  private async freeUsername(claimed: string, id: string): Promise<string> {
    const whole = claimed.slice(0, 100);
    const holder = await this.users.findOneBy({ username: whole });
    if (!holder || holder.id === id) return whole;
    const base = claimed.slice(0, USERNAME_BASE_MAX);
    for (let n = 2; n < MAX_SUFFIX; n++) {
      const candidate = `${base}#${n}`;
      const taken = await this.users.findOneBy({ username: candidate });
      if (!taken || taken.id === id) return candidate;
    }
    throw new Error(`Every username from ${base}#2 to ${base}#${MAX_SUFFIX - 1} is taken`);
  }
}
