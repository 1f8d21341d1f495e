import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional } from 'class-validator';

/** `POST /api/runs/:id/rerun`; the merged parameters are checked against the task's declaration. */
export class RerunDto {
  @ApiPropertyOptional({
    description: 'Values to change, merged over the run’s own (over every row of a selection)',
    example: { year: 2025 },
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown>;

  @ApiPropertyOptional({ enum: ['failed'], description: 'Only the rows whose subtasks failed or were cancelled' })
  @IsOptional()
  @IsIn(['failed'])
  only?: 'failed';
}
