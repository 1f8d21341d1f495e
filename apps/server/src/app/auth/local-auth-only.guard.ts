import { CanActivate, Inject, Injectable } from '@nestjs/common';

import { NotFoundError } from '../common/domain-errors';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';

/**
 * For routes of Onward's own users (password login): with ONWARD_AUTH=jwt they do not exist, so
 * they answer 404 before the body is validated (a guard runs before the pipes).
 */
@Injectable()
export class LocalAuthOnlyGuard implements CanActivate {
  constructor(@Inject(ONWARD_CONFIG) private readonly config: OnwardConfig) {}

  canActivate(): boolean {
    if (this.config.auth.mode === 'local') return true;
    throw new NotFoundError(
      "Onward's own sign-in is off: this server trusts the host application's tokens (ONWARD_AUTH=jwt)",
    );
  }
}
