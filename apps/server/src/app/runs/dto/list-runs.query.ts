import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Query of `GET /api/runs` and `GET /api/admin/runs`; values are checked by the service. */
export class ListRunsQuery {
  @ApiPropertyOptional({ description: 'Comma-separated statuses', example: 'running,queued' })
  @IsOptional()
  @IsString()
  status?: string;

  @ApiPropertyOptional({ enum: ['foreground', 'background'] })
  @IsOptional()
  @IsString()
  mode?: string;

  @ApiPropertyOptional({ description: '1–200, default 50' })
  @IsOptional()
  @IsString()
  limit?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

/** `GET /api/admin/runs` also filters by username. */
export class AdminListRunsQuery extends ListRunsQuery {
  @ApiPropertyOptional({ example: 'alice' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  user?: string;
}

export class WaitQuery {
  @ApiPropertyOptional({ description: 'Seconds, at most 60, default 30' })
  @IsOptional()
  @IsString()
  timeout?: string;
}
