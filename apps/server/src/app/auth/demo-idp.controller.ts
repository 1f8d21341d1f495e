import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';

import { NotFoundError } from '../common/domain-errors';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { Public } from './auth.decorators';

/**
 * A runtime setting of the monitor app, not part of the API: where its login page signs in when
 * Onward trusts the demo identity provider (`ONWARD_DEMO_IDP_URL`, `npm run start:jwt-demo`). The
 * server serves it because it must know that origin anyway, for the Content-Security-Policy.
 */
@ApiExcludeController()
@Controller()
export class DemoIdpController {
  constructor(@Inject(ONWARD_CONFIG) private readonly config: OnwardConfig) {}

  @Public()
  @Get('demo-idp.json')
  demoIdp(): { url: string } {
    if (!this.config.demoIdpUrl) throw new NotFoundError('No demo identity provider is configured');
    return { url: this.config.demoIdpUrl };
  }
}
