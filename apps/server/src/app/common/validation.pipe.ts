import { ValidationError as ClassValidatorError, ValidationPipe } from '@nestjs/common';
import type { FieldError } from '@onward/task-domain';

import { ValidationError } from './domain-errors';

function flatten(errors: ClassValidatorError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** The global pipe: whitelisting DTO validation whose failures carry field-level `details`. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      return new ValidationError(details.map((d) => d.message).join('; ') || 'Invalid request', details);
    },
  });
}
