import { ApiPropertyOptional } from '@nestjs/swagger';
import { RUN_MODES, RUN_STATUSES, type RunMode, type RunStatus } from '@onward/task-domain';
import { Transform } from 'class-transformer';
import { IsIn, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

import { PageLimit, toDecimal, toList } from './query-values';

/** The most runs one page of `GET /api/runs` holds, and how many it holds unless told. */
export const RUNS_PAGE = { max: 200, default: 50 } as const;
/** The most subtasks one page of `GET /api/runs/:id/children` holds, and how many unless told. */
export const CHILDREN_PAGE = { max: 500, default: 200 } as const;

const unknownStatuses = (value: unknown): string =>
  (Array.isArray(value) ? value : [value])
    .filter((status) => !(RUN_STATUSES as readonly unknown[]).includes(status))
    .map((status) => JSON.stringify(status))
    .join(', ');

/** Query of `GET /api/runs` and `GET /api/admin/runs`. */
export class ListRunsQuery {
  @ApiPropertyOptional({ description: 'Comma-separated statuses', example: 'running,queued', type: String })
  @IsOptional()
  @Transform(({ value }) => toList(value))
  @IsIn(RUN_STATUSES, {
    each: true,
    message: ({ value }) => `status has an unknown status ${unknownStatuses(value)}`,
  })
  status?: RunStatus[];

  @ApiPropertyOptional({ enum: RUN_MODES })
  @IsOptional()
  @IsIn(RUN_MODES, { message: 'mode must be foreground or background' })
  mode?: RunMode;

  @ApiPropertyOptional({ description: `1–${RUNS_PAGE.max}, default ${RUNS_PAGE.default}`, type: Number })
  @IsOptional()
  @PageLimit(RUNS_PAGE.max)
  limit?: number;

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

/** Query of `GET /api/runs/:id/children`: subtasks in row order. */
export class ListChildrenQuery {
  @ApiPropertyOptional({ description: `1–${CHILDREN_PAGE.max}, default ${CHILDREN_PAGE.default}`, type: Number })
  @IsOptional()
  @PageLimit(CHILDREN_PAGE.max)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page, or childrenCursor of the run' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

const TIMEOUT_MESSAGE = '$property must be a number of seconds from 0 to 60';

export class WaitQuery {
  @ApiPropertyOptional({ description: 'Seconds, at most 60, default 30', type: Number })
  @IsOptional()
  @Transform(({ value }) => toDecimal(value))
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: TIMEOUT_MESSAGE })
  @Min(0, { message: TIMEOUT_MESSAGE })
  @Max(60, { message: TIMEOUT_MESSAGE })
  timeout?: number;
}
