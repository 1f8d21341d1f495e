import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';

import { UnauthorizedError } from '../common/domain-errors';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import type { AuthUser } from './auth-user';
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

/** Logins, access tokens and the demo users. */
@Injectable()
export class AuthService implements OnModuleInit {
  private readonly logger = new Logger(AuthService.name);
  // Compared against when the user does not exist, so that timing does not reveal usernames.
  private readonly dummyHash = hashPassword(randomUUID());

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly jwt: JwtService,
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.demoUsers || (await this.users.count()) > 0) return;
    const createdAt = new Date().toISOString();
    for (const demo of DEMO_USERS) {
      const user = { id: randomUUID(), ...demo, passwordHash: await hashPassword(demo.username), createdAt };
      // Several processes may start at once on one database: the unique username decides.
      await this.users.createQueryBuilder().insert().values(user).orIgnore().execute();
    }
    this.logger.log('Seeded the demo users alice, bob and admin');
  }

  async login(username: string, password: string): Promise<{ accessToken: string; user: AuthUser }> {
    const user = await this.users.findOneBy({ username });
    const valid = await verifyPassword(password, user?.passwordHash ?? (await this.dummyHash));
    if (!user || !valid) throw new UnauthorizedError('Wrong username or password');
    const authUser = toAuthUser(user);
    const claims: TokenClaims = { sub: user.id, username: user.username, name: user.displayName, roles: user.roles };
    return { accessToken: await this.jwt.signAsync(claims), user: authUser };
  }

  /** The user of a valid access token; throws UnauthorizedError otherwise. */
  verify(token: string): AuthUser {
    try {
      const claims = this.jwt.verify<TokenClaims>(token);
      if (typeof claims.sub !== 'string' || !Array.isArray(claims.roles)) throw new Error('bad claims');
      return { id: claims.sub, username: claims.username, displayName: claims.name, roles: claims.roles };
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
