import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/**
 * A query value written as digits only, as a number; anything else becomes NaN, which the number
 * checks then refuse (`Number()` alone would take " 5", "1e2" or "0x10").
 */
export const toWholeNumber = (value: unknown): unknown =>
  typeof value === 'string' ? (/^\d+$/.test(value) ? Number(value) : NaN) : value;

/** A decimal number of the query (`30`, `0.5`) as a number, anything else NaN. */
export const toDecimal = (value: unknown): unknown =>
  typeof value === 'string' ? (/^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN) : value;

/** A comma-separated query value as its trimmed, non-empty items (`running, queued` → two). */
export const toList = (value: unknown): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : value;

/** `limit` of a paged query: a whole number from 1 to `max`, one message for every way it is wrong. */
export function PageLimit(max: number): PropertyDecorator {
  const message = `$property must be a whole number from 1 to ${max}`;
  return applyDecorators(
    Transform(({ value }) => toWholeNumber(value)),
    IsInt({ message }),
    Min(1, { message }),
    Max(max, { message }),
  );
}
