import { Controller, Get, Headers, Inject, NotFoundException, Res, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';

import { Public } from '../auth/auth.decorators';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { RunMetrics } from './run-metrics';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * `GET /metrics` for Prometheus, outside `/api` (a scraper is no user): only with the bearer token of
 * `ONWARD_METRICS_TOKEN`, and as an unknown route (404) when that is unset.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  private readonly expected: Buffer | null;

  constructor(
    @Inject(ONWARD_CONFIG) config: OnwardConfig,
    private readonly metrics: RunMetrics,
  ) {
    this.expected = config.metricsToken === null ? null : digest(config.metricsToken);
  }

  @Public()
  @Get()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    if (!this.expected) throw new NotFoundException('Cannot GET /metrics');
    const token = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim() ?? '';
    // Digests of equal length, compared in constant time: the answer's timing tells nothing of the token.
    if (!timingSafeEqual(digest(token), this.expected)) {
      throw new UnauthorizedException('A valid metrics bearer token is required');
    }
    void reply.header('Content-Type', this.metrics.registry.contentType).header('Cache-Control', 'no-store');
    return this.metrics.scrape();
  }
}
