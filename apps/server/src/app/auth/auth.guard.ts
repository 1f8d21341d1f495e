import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';

import { ForbiddenError, UnauthorizedError } from '../common/domain-errors';
import { type AuthUser, isAdmin } from './auth-user';
import { ADMIN_ONLY, IS_PUBLIC } from './auth.decorators';
import { AuthService } from './auth.service';

/** Global guard: a valid bearer token on every route not marked @Public, admin role where asked. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(request.headers.authorization ?? '');
    if (!match) throw new UnauthorizedError('Missing or malformed Authorization header (Bearer token expected)');
    request.user = await this.auth.verify(match[1]);
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, targets) && !isAdmin(request.user)) {
      throw new ForbiddenError('This route is for admins only');
    }
    return true;
  }
}
