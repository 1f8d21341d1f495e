import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';

import { Public } from '../auth/auth.decorators';
import { RunQueue } from '../queue/run-queue.port';

export interface Health {
  status: 'ok' | 'degraded';
  database: 'ok' | 'down';
  queue: 'ok' | 'down';
  driver: { database: string; queue: string };
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: RunQueue,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Liveness and the state of the database and the queue' })
  async health(@Res({ passthrough: true }) response: FastifyReply): Promise<Health> {
    const database = await this.dataSource
      .query('SELECT 1')
      .then(() => 'ok' as const)
      .catch(() => 'down' as const);
    const queue = await this.queue.health().catch(() => 'down' as const);
    const ok = database === 'ok' && queue === 'ok';
    response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: ok ? 'ok' : 'degraded',
      database,
      queue,
      driver: { database: this.dataSource.options.type, queue: this.queue.name },
    };
  }
}
