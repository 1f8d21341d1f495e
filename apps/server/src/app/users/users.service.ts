import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { QueryFailedError, Repository } from 'typeorm';

import { AccountChecks } from '../auth/account-checks';
import type { AuthUser } from '../auth/auth-user';
import { AuthService } from '../auth/auth.service';
import { LoginThrottle } from '../auth/login-throttle';
import { hashPassword, verifyPassword } from '../auth/password-hasher';
import { type Role, UserEntity } from '../auth/user.entity';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '../common/domain-errors';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { transaction } from '../database/transaction';
import type { CreateUserDto } from './dto/create-user.dto';
import type { UpdateUserDto } from './dto/update-user.dto';

/** A user as admins see them. */
export interface AdminUserView {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  disabled: boolean;
  createdAt: string;
}

function toView(user: UserEntity): AdminUserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    roles: user.roles,
    disabled: user.disabled,
    createdAt: user.createdAt,
  };
}

/** "user" is implied; the roles in a fixed order. */
function normalizeRoles(roles: readonly Role[]): Role[] {
  return roles.includes('admin') ? ['user', 'admin'] : ['user'];
}

const isEnabledAdmin = (user: Pick<UserEntity, 'roles' | 'disabled'>): boolean =>
  !user.disabled && user.roles.includes('admin');

/** A unique-constraint violation, on PostgreSQL or SQLite. */
function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string } | undefined;
  return driverError?.code === '23505' || driverError?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Onward's own user accounts (`ONWARD_AUTH=local`). */
@Injectable()
export class UsersService implements OnModuleInit {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
    private readonly accounts: AccountChecks,
    private readonly auth: AuthService,
    private readonly throttle: LoginThrottle,
  ) {}

  /** `ONWARD_BOOTSTRAP_ADMIN`: a first admin when there is no enabled one. */
  async onModuleInit(): Promise<void> {
    const bootstrap = this.config.bootstrapAdmin;
    if (this.config.auth.mode !== 'local' || !bootstrap) return;
    if ((await this.enabledAdmins()).length > 0) return;
    const user = {
      id: randomUUID(),
      username: bootstrap.username,
      displayName: bootstrap.username,
      roles: ['user', 'admin'] as Role[],
      passwordHash: await hashPassword(bootstrap.password),
      createdAt: new Date().toISOString(),
      disabled: false,
    };
    // Processes that start together all try: the unique username lets one insert win.
    await this.users.createQueryBuilder().insert().values(user).orIgnore().execute();
    const stored = await this.users.findOneBy({ username: bootstrap.username });
    if (stored && isEnabledAdmin(stored)) {
      this.logger.log(`Created the admin "${bootstrap.username}" (ONWARD_BOOTSTRAP_ADMIN): no enabled admin existed`);
    } else {
      this.logger.warn(
        `ONWARD_BOOTSTRAP_ADMIN: no enabled admin exists, but the user "${bootstrap.username}" already exists and is not one; nothing was changed`,
      );
    }
  }

  async list(): Promise<AdminUserView[]> {
    const users = await this.users.find();
    // Sorted here, by code points, so that SQLite and PostgreSQL (whose collation varies) agree.
    return users.map(toView).sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  }

  async create(body: CreateUserDto): Promise<AdminUserView> {
    const user: UserEntity = Object.assign(new UserEntity(), {
      id: randomUUID(),
      username: body.username,
      displayName: body.displayName,
      roles: normalizeRoles(body.roles),
      passwordHash: await hashPassword(body.password),
      createdAt: new Date().toISOString(),
      disabled: false,
      passwordChangedAt: null,
      passwordSession: null,
    });
    const taken = () => new ConflictError(`The username "${body.username}" is taken`);
    if (await this.users.existsBy({ username: body.username })) throw taken();
    try {
      await this.users.insert(user);
    } catch (error) {
      // Another request took it since the check above.
      if (isUniqueViolation(error)) throw taken();
      throw error;
    }
    return toView(user);
  }

  async update(id: string, body: UpdateUserDto): Promise<AdminUserView> {
    // The fields by name: the validation pipe hands a JSON array body over as an array (with a
    // `constructor` property), which holds none of them.
    if ([body.displayName, body.password, body.roles, body.disabled].every((value) => value === undefined)) {
      throw new ValidationError('Nothing to change: give displayName, password, roles or disabled', [
        { field: '(body)', message: 'must name at least one of displayName, password, roles, disabled' },
      ]);
    }
    const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password);
    const updated = await transaction(this.users.manager, async (manager) => {
      const users = manager.getRepository(UserEntity);
      const user = await users.findOneBy({ id });
      if (!user) throw new NotFoundError(`No user with id ${id}`);
      const next: UserEntity = { ...user };
      if (body.displayName !== undefined) next.displayName = body.displayName;
      if (body.roles !== undefined) next.roles = normalizeRoles(body.roles);
      if (body.disabled !== undefined) next.disabled = body.disabled;
      if (passwordHash !== undefined) {
        next.passwordHash = passwordHash;
        next.passwordChangedAt = new Date().toISOString();
        next.passwordSession = null; // an admin's reset ends every session of the user
      }
      if (isEnabledAdmin(user) && !isEnabledAdmin(next)) {
        const others = (await this.enabledAdmins(users)).filter((admin) => admin.id !== id);
        if (others.length === 0) {
          throw new ConflictError('This is the last enabled admin: make another user an admin first');
        }
      }
      await users.update(
        { id },
        {
          displayName: next.displayName,
          roles: next.roles,
          disabled: next.disabled,
          passwordHash: next.passwordHash,
          passwordChangedAt: next.passwordChangedAt,
          passwordSession: next.passwordSession,
        },
      );
      return next;
    });
    this.accounts.forget(id);
    await this.auth.refreshDemoAccounts();
    return toView(updated);
  }

  /** The caller's own change: the session of `token` goes on, every other one of the user ends. */
  async changePassword(
    caller: AuthUser,
    token: string,
    ip: string,
    currentPassword: string,
    newPassword: string,
  ): Promise<void> {
    const user = await this.users.findOneBy({ id: caller.id });
    if (!user) throw new UnauthorizedError('The user of this token no longer exists');
    // A wrong current password counts as a failed login: a stolen token must not be a way to guess it.
    await this.throttle.assertAllowed(user.username, ip);
    // 400, not 401: the client must not take a mistyped password for an expired session.
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      await this.throttle.failed(user.username, ip);
      throw new ValidationError('The current password is wrong', [
        { field: 'currentPassword', message: 'currentPassword is not the current password' },
      ]);
    }
    const session = await this.auth.sessionOf(token);
    await this.users.update(
      { id: user.id },
      {
        passwordHash: await hashPassword(newPassword),
        passwordChangedAt: new Date().toISOString(),
        passwordSession: session,
      },
    );
    this.accounts.forget(user.id);
    await this.auth.refreshDemoAccounts();
  }

  private async enabledAdmins(users = this.users): Promise<UserEntity[]> {
    const enabled = await users.find({ select: { id: true, roles: true, disabled: true }, where: { disabled: false } });
    return enabled.filter(isEnabledAdmin);
  }
}
