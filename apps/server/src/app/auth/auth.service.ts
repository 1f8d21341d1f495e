import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';

import { UnauthorizedError } from '../common/domain-errors';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import type { AuthUser } from './auth-user';
import { AccountChecks } from './account-checks';
import { LoginThrottle } from './login-throttle';
import { HostTokenVerifier, type VerifiedToken } from './host-token.verifier';
import { hashPassword, verifyPassword } from './password-hasher';
import { Role, UserEntity } from './user.entity';

interface TokenClaims {
  sub: string;
  username: string;
  name: string;
  roles: Role[];
  /** Issue time in milliseconds (`iat` has whole seconds): a password change ends the tokens issued before it. */
  iat_ms?: number;
  /** The login this token belongs to: the session that changes its password keeps its token. */
  sid?: string;
}

const DEMO_USERS: { username: string; displayName: string; roles: Role[] }[] = [
  { username: 'alice', displayName: 'Alice Adams', roles: ['user'] },
  { username: 'bob', displayName: 'Bob Brown', roles: ['user'] },
  { username: 'admin', displayName: 'Administrator', roles: ['user', 'admin'] },
];

function toAuthUser(user: UserEntity): AuthUser {
  return { id: user.id, username: user.username, displayName: user.displayName, roles: user.roles };
}

/** The user with the roles their account has now (an admin may have changed them since the login). */
function withRoles(user: AuthUser, roles: Role[] | null): AuthUser {
  if (!roles || (roles.length === user.roles.length && roles.every((role) => user.roles.includes(role)))) return user;
  return Object.freeze({ ...user, roles: Object.freeze([...roles]) as Role[] });
}

/** A verified token as remembered: Onward's own tokens also carry their issue time and session. */
interface CachedToken extends VerifiedToken {
  issuedAtMs: number;
  sessionId: string | null;
}

/** Verified tokens remembered at most; the memory is cleared when full. */
const VERIFIED_TOKENS_MAX = 10_000;

/** How often the demo accounts are looked at again, so that other processes' changes show on the login page. */
const DEMO_ACCOUNTS_REFRESH_MS = 60_000;

/** Logins, access tokens and the demo users. */
@Injectable()
export class AuthService implements OnModuleInit {
  private readonly logger = new Logger(AuthService.name);
  // Compared against when the user does not exist, so that timing does not reveal usernames.
  private readonly dummyHash = hashPassword(randomUUID());
  /** Tokens whose signature was checked, with their user and expiry. */
  private readonly verified = new Map<string, CachedToken>();

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly jwt: JwtService,
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
    private readonly accounts: AccountChecks,
    private readonly throttle: LoginThrottle,
    private readonly hostTokens: HostTokenVerifier,
  ) {}

  /** Usernames of the demo accounts that can still be used with their known password. */
  private demoAccounts: string[] = [];
  private demoAccountsCheckedAt = 0;
  private demoAccountsRefresh: Promise<void> | null = null;

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
    // One refresh at a time; a caller during one waits for it.
    this.demoAccountsRefresh ??= this.readDemoAccounts().finally(() => (this.demoAccountsRefresh = null));
    return this.demoAccountsRefresh;
  }

  private async readDemoAccounts(): Promise<void> {
    this.demoAccountsCheckedAt = Date.now();
    if (this.config.auth.mode !== 'local') {
      this.demoAccounts = [];
      return;
    }
    const found: string[] = [];
    for (const demo of DEMO_USERS) {
      const user = await this.users.findOneBy({ username: demo.username });
      if (user && !user.disabled && (await verifyPassword(demo.username, user.passwordHash))) {
        found.push(demo.username);
      }
    }
    this.demoAccounts = found;
  }

  /** What the login page needs to know before anyone is logged in. */
  async options(): Promise<{ mode: 'local' | 'jwt'; demoUsers: string[] }> {
    if (Date.now() - this.demoAccountsCheckedAt >= DEMO_ACCOUNTS_REFRESH_MS) await this.refreshDemoAccounts();
    return { mode: this.config.auth.mode, demoUsers: [...this.demoAccounts] };
  }

  /**
   * Checks a username and password from address `ip`; five failures of one username from one address
   * within 15 minutes block that pair (429), whatever the password.
   */
  async login(username: string, password: string, ip: string): Promise<{ accessToken: string; user: AuthUser }> {
    await this.throttle.assertAllowed(username, ip);
    const user = await this.users.findOneBy({ username });
    const valid = await verifyPassword(password, user?.passwordHash ?? (await this.dummyHash));
    if (!user || !valid) {
      await this.throttle.failed(username, ip);
      throw new UnauthorizedError('Wrong username or password');
    }
    if (user.disabled) throw new UnauthorizedError('This account is disabled');
    const authUser = toAuthUser(user);
    const claims: TokenClaims = {
      sub: user.id,
      username: user.username,
      name: user.displayName,
      roles: user.roles,
      iat_ms: Date.now(),
      sid: randomUUID(),
    };
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
  async verifyToken(token: string): Promise<CachedToken> {
    // A token is checked once; its later requests only re-check the expiry (every request of a
    // monitor or script carries the same token).
    const known = this.verified.get(token);
    if (known && known.expiresAt > Date.now()) return this.allowed(known);
    const verified: CachedToken =
      this.config.auth.mode === 'jwt'
        ? { ...(await this.hostTokens.verify(token)), issuedAtMs: 0, sessionId: null }
        : this.verifyLocal(token);
    if (Number.isFinite(verified.expiresAt)) {
      if (this.verified.size >= VERIFIED_TOKENS_MAX) this.verified.clear();
      this.verified.set(token, verified);
    }
    return this.allowed(verified);
  }

  /** The token's user with their roles now, unless their account is disabled or the token predates a password change. */
  private async allowed(token: CachedToken): Promise<CachedToken> {
    const roles = await this.accounts.assertAllowed(token.user.id, token.issuedAtMs, token.sessionId);
    return roles ? { ...token, user: withRoles(token.user, roles) } : token;
  }

  private verifyLocal(token: string): CachedToken {
    try {
      const claims = this.jwt.verify<TokenClaims & { exp?: number; iat?: number }>(token);
      if (typeof claims.sub !== 'string' || !Array.isArray(claims.roles)) throw new Error('bad claims');
      const user: AuthUser = Object.freeze({
        id: claims.sub,
        username: claims.username,
        displayName: claims.name,
        roles: Object.freeze([...claims.roles]) as Role[],
      });
      const issuedAtMs = typeof claims.iat_ms === 'number' ? claims.iat_ms : (claims.iat ?? 0) * 1000;
      const sessionId = typeof claims.sid === 'string' ? claims.sid : null;
      const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : Infinity;
      return { user, expiresAt, issuedAtMs, sessionId };
    } catch {
      throw new UnauthorizedError('Invalid or expired access token');
    }
  }

  /** The session (`sid`) of a valid access token, null for a token without one. */
  async sessionOf(token: string): Promise<string | null> {
    return (await this.verifyToken(token)).sessionId;
  }

  async me(user: AuthUser): Promise<AuthUser> {
    const stored = await this.users.findOneBy({ id: user.id });
    if (!stored) throw new UnauthorizedError('The user of this token no longer exists');
    return toAuthUser(stored);
  }
}
