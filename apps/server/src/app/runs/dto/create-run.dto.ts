import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RUN_MODES, type RunMode } from '@onward/task-domain';
import { ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

/** `POST /api/runs`; the parameters themselves are checked against the task's declaration. */
export class CreateRunDto {
  @ApiProperty({ example: 'sales-report' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  task!: string;

  @ApiPropertyOptional({ example: { customer: 'Acme', year: 2025 }, type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown>;

  // At most ONWARD_MAX_ROWS rows: the global validation pipe holds every array of a request to that
  // limit before class-transformer maps it (see createValidationPipe), and names the setting.
  @ApiPropertyOptional({
    description: 'A selection: one parameter object per row (1 to ONWARD_MAX_ROWS, default 10,000)',
    type: 'array',
    items: { type: 'object' },
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  rows?: unknown[];

  @ApiPropertyOptional({ enum: RUN_MODES })
  @IsOptional()
  @IsIn(RUN_MODES)
  mode?: RunMode;
}
