import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

/** `PATCH /api/runs/:id`: the one change a user may make, moving a run to the background. */
export class UpdateRunDto {
  @ApiProperty({ enum: ['background'] })
  @IsIn(['background'], { message: 'mode must be "background"' })
  mode!: 'background';
}
