import { CanActivate, Inject, Injectable } from '@nestjs/common';

import { NotFoundError } from '../common/domain-errors';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';

/**
 * Routes of Onward's own users (password login, password change, user writes) exist only with
 * `ONWARD_AUTH=local`: with the host application's identity they answer 404, before the body is
 * validated (a guard runs before the pipes).
 */
@Injectable()
export class LocalAccountsGuard implements CanActivate {
  constructor(@Inject(ONWARD_CONFIG) private readonly config: OnwardConfig) {}

  canActivate(): boolean {
    if (this.config.auth.mode !== 'local') {
      throw new NotFoundError(
        'Onward keeps no passwords with ONWARD_AUTH=jwt: users are managed by the host application',
      );
    }
    return true;
  }
}
