import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsString,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';

import type { Role } from '../../auth/user.entity';
import { DISPLAY_NAME_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, ROLES } from './user-fields';

/** Absent fields are left as they are; null is no value for any of them (400). */
const present = (_: object, value: unknown): boolean => value !== undefined;

/** `PATCH /api/admin/users/:id`: at least one of the fields. */
export class UpdateUserDto {
  @ApiPropertyOptional()
  @ValidateIf(present)
  @IsString()
  @IsNotEmpty()
  @MaxLength(DISPLAY_NAME_MAX_LENGTH)
  displayName?: string;

  @ApiPropertyOptional({ minLength: PASSWORD_MIN_LENGTH, description: "ends the user's other sessions" })
  @ValidateIf(present)
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password?: string;

  @ApiPropertyOptional({ enum: ROLES, isArray: true, description: '"user" is implied' })
  @ValidateIf(present)
  @IsArray()
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true, message: 'each role must be "user" or "admin"' })
  roles?: Role[];

  @ApiPropertyOptional({ description: "a disabled user's tokens and sockets stop working within 60 s" })
  @ValidateIf(present)
  @IsBoolean()
  disabled?: boolean;
}
