import { ApiPropertyOptional } from '@nestjs/swagger';
import { STATS_WINDOWS, type StatsWindow } from '@onward/task-domain';
import { IsIn, IsOptional } from 'class-validator';

/** Query of `GET /api/admin/stats`. */
export class StatsWindowQuery {
  @ApiPropertyOptional({ enum: STATS_WINDOWS, description: 'default 1h' })
  @IsOptional()
  @IsIn(STATS_WINDOWS, { message: 'window must be 1h, 24h or 7d' })
  window?: StatsWindow;
}
