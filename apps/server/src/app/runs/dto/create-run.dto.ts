import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RUN_MODES, type RunMode } from '@onward/task-domain';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';

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

  @ApiPropertyOptional({
    description: 'A selection: one parameter object per row (1–1000)',
    type: 'array',
    items: { type: 'object' },
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  rows?: unknown[];

  @ApiPropertyOptional({ enum: RUN_MODES })
  @IsOptional()
  @IsIn(RUN_MODES)
  mode?: RunMode;
}
