import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';

import { UnauthorizedError } from '../common/domain-errors';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import type { AuthUser } from './auth-user';
import { HostTokenVerifier, type VerifiedToken } from './host-token.verifier';
import { hashPassword, verifyPassword } from './password-hasher';
import { Role, UserEntity } from './user.entity';

interface TokenClaims {
  sub: string;
  username: string;
  name: string;
  roles: Role[];
}

const DEMO_USERS: { username: string; displayName: string; roles: Role[] }[] = [
  { username: 'alice', displayName: 'Alice Adams', roles: ['user'] },
  { username: 'bob', displayName: 'Bob Brown', roles: ['user'] },
  { username: 'admin', displayName: 'Administrator', roles: ['user', 'admin'] },
];

function toAuthUser(user: UserEntity): AuthUser {
  return { id: user.id, username: user.username, displayName: user.displayName, roles: user.roles };
}

/** Verified tokens remembered at most; the memory is cleared when full. */
const VERIFIED_TOKENS_MAX = 10_000;

/** Logins, access tokens and the demo users. */
@Injectable()
export class AuthService implements OnModuleInit {
  private readonly logger = new Logger(AuthService.name);
  // Compared against when the user does not exist, so that timing does not reveal usernames.
  private readonly dummyHash = hashPassword(randomUUID());
  /** Tokens whose signature was checked, with their user and expiry. */
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly jwt: JwtService,
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
    private readonly hostTokens: HostTokenVerifier,
  ) {}

  /** Usernames of the demo accounts that can still be used with their known password. */
  private demoAccounts: string[] = [];

  async onModuleInit(): Promise<void> {
    if (this.config.demoUsers && (await this.users.count()) === 0) {
      const createdAt = new Date().toISOString();
      for (const demo of DEMO_USERS) {
        const user = { id: randomUUID(), ...demo, passwordHash: await hashPassword(demo.username), createdAt };
        // Several processes may start at once on one database: the unique username decides.
        await this.users.createQueryBuilder().insert().values(user).orIgnore().execute();
      }
      this.logger.log('Seeded the demo users alice, bob and admin');
    }
    await this.refreshDemoAccounts();
    if (this.demoAccounts.length > 0) {
      this.logger.warn(
        `Demo accounts with known passwords exist (${this.demoAccounts.join(', ')}): change their passwords or disable them before real users come`,
      );
    }
  }

  /** Which demo accounts still open with their well-known password (the login page lists them). */
  async refreshDemoAccounts(): Promise<void> {
    if (this.config.auth.mode !== 'local') {
      this.demoAccounts = [];
      return;
    }
    const found: string[] = [];
    for (const demo of DEMO_USERS) {
      const user = await this.users.findOneBy({ username: demo.username });
      if (user && (await verifyPassword(demo.username, user.passwordHash))) found.push(demo.username);
    }
    this.demoAccounts = found;
  }

  /** What the login page needs to know before anyone is logged in. */
  options(): { mode: 'local' | 'jwt'; demoUsers: string[] } {
    return { mode: this.config.auth.mode, demoUsers: [...this.demoAccounts] };
  }

  async login(username: string, password: string): Promise<{ accessToken: string; user: AuthUser }> {
    const user = await this.users.findOneBy({ username });
    const valid = await verifyPassword(password, user?.passwordHash ?? (await this.dummyHash));
    if (!user || !valid) throw new UnauthorizedError('Wrong username or password');
    const authUser = toAuthUser(user);
    const claims: TokenClaims = { sub: user.id, username: user.username, name: user.displayName, roles: user.roles };
    return { accessToken: await this.jwt.signAsync(claims), user: authUser };
  }

  /** The user of a valid access token; rejects with UnauthorizedError otherwise. */
  async verify(token: string): Promise<AuthUser> {
    return (await this.verifyToken(token)).user;
  }

  /**
   * The user of a valid access token and when the token expires (sockets are closed then); the
   * host's tokens with ONWARD_AUTH=jwt, Onward's own otherwise. Rejects with UnauthorizedError.
   */
  async verifyToken(token: string): Promise<VerifiedToken> {
    // A token is checked once; its later requests only re-check the expiry (every request of a
    // monitor or script carries the same token).
    const known = this.verified.get(token);
    if (known && known.expiresAt > Date.now()) return known;
    const verified = this.config.auth.mode === 'jwt' ? await this.hostTokens.verify(token) : this.verifyLocal(token);
    if (Number.isFinite(verified.expiresAt)) {
      if (this.verified.size >= VERIFIED_TOKENS_MAX) this.verified.clear();
      this.verified.set(token, verified);
    }
    return verified;
  }

  private verifyLocal(token: string): VerifiedToken {
    try {
      const claims = this.jwt.verify<TokenClaims & { exp?: number }>(token);
      if (typeof claims.sub !== 'string' || !Array.isArray(claims.roles)) throw new Error('bad claims');
      const user: AuthUser = Object.freeze({
        id: claims.sub,
        username: claims.username,
        displayName: claims.name,
        roles: Object.freeze([...claims.roles]) as Role[],
      });
      return { user, expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : Infinity };
    } catch {
      throw new UnauthorizedError('Invalid or expired access token');
    }
  }

  async me(user: AuthUser): Promise<AuthUser> {
    const stored = await this.users.findOneBy({ id: user.id });
    if (!stored) throw new UnauthorizedError('The user of this token no longer exists');
    return toAuthUser(stored);
  }
}
