import { ArgumentMetadata, ValidationError as ClassValidatorError, ValidationPipe } from '@nestjs/common';
import type { FieldError } from '@onward/task-domain';

import { DEFAULT_MAX_ROWS } from '../config/onward-config';
import { ValidationError } from './domain-errors';

/** Deeper than any request of the contract; class-transformer's recursion overflows the stack far below 10 000. */
export const MAX_INPUT_DEPTH = 32;

/**
 * More properties than any object of the contract has: class-transformer de-duplicates an object's
 * keys in quadratic time, so 70 000 keys (a 0.7 MB body) blocked the server for 20 seconds.
 */
export const MAX_INPUT_KEYS = 256;

/**
 * As many items as an array of a request may have by default: `rows` may have `ONWARD_MAX_ROWS`
 * (the pipe is given that limit), and no other array of the contract comes near it. The check comes
 * before class-transformer, which took seconds to map a 400 000-item array.
 */
export const MAX_INPUT_ITEMS = DEFAULT_MAX_ROWS;

const tooManyItems = (maxItems: number): string => `has more than ${maxItems} items`;

// The names of Object.prototype's members (`__proto__`, `constructor`, `toString`, …): class-transformer
// silently drops such keys, so they slipped past the whitelist and the task's parameter check, and
// fails with a TypeError on some `constructor` values. No field of the contract has such a name.
const RESERVED_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

function flatten(errors: ClassValidatorError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    // One message per field and wording: a value such as "abc" fails IsInt, Min and Max with one message.
    const own = [...new Set(Object.values(error.constraints ?? {}))].map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * The first part of a parsed body or query (named `root`) that the server cannot handle safely: a
 * reserved key, nesting beyond MAX_INPUT_DEPTH, an object with more than MAX_INPUT_KEYS properties
 * or an array with more than `maxItems` items, or a NUL character (PostgreSQL text cannot hold one,
 * so a query with it fails). Iterative, so that the check itself cannot overflow the stack.
 */
export function unsafeInput(value: unknown, root = '(body)', maxItems = MAX_INPUT_ITEMS): FieldError | null {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const field = next.path || root;
    if (typeof next.value === 'string' && next.value.includes('\u0000')) {
      return { field, message: 'must not contain NUL characters' };
    }
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= MAX_INPUT_DEPTH) {
      return { field, message: `is nested more than ${MAX_INPUT_DEPTH} levels deep` };
    }
    const isArray = Array.isArray(next.value);
    const size = isArray ? (next.value as unknown[]).length : Object.keys(next.value).length;
    if (size > (isArray ? maxItems : MAX_INPUT_KEYS)) {
      return {
        field,
        message: isArray ? tooManyItems(maxItems) : `has more than ${MAX_INPUT_KEYS} properties`,
      };
    }
    const entries = Object.entries(next.value);
    for (const [key, child] of entries) {
      const path = isArray ? `${next.path}[${key}]` : next.path ? `${next.path}.${key}` : key;
      if (!isArray && RESERVED_KEYS.has(key)) return { field: path, message: 'is not an allowed property name' };
      if (key.includes('\u0000')) return { field: path, message: 'must not contain NUL characters' };
      pending.push({ value: child, path, depth: next.depth + 1 });
    }
  }
  return null;
}

/** ValidationPipe that first refuses input that class-transformer or the database cannot handle (see unsafeInput). */
class OnwardValidationPipe extends ValidationPipe {
  constructor(
    private readonly maxItems: number,
    options: ConstructorParameters<typeof ValidationPipe>[0],
  ) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const unsafe = unsafeInput(value, `(${metadata.type})`, this.maxItems);
      if (unsafe) {
        // Too many items is the selection limit, which the operator may raise: say which setting.
        const setting = unsafe.message === tooManyItems(this.maxItems) ? ', the most allowed (ONWARD_MAX_ROWS)' : '';
        throw new ValidationError(`${unsafe.field} ${unsafe.message}${setting}`, [unsafe]);
      }
    }
    // Every body of the contract is an object: an array would pass a DTO whose fields are all optional.
    if (metadata.type === 'body' && Array.isArray(value)) {
      const detail = { field: '(body)', message: 'must be a JSON object, not an array' };
      throw new ValidationError(`${detail.field} ${detail.message}`, [detail]);
    }
    return super.transform(value, metadata);
  }
}

/**
 * The global pipe: whitelisting DTO validation whose failures carry field-level `details`; an array
 * may have at most `maxRows` items (`ONWARD_MAX_ROWS`, the rows of a selection).
 */
export function createValidationPipe(maxRows = MAX_INPUT_ITEMS): ValidationPipe {
  return new OnwardValidationPipe(maxRows, {
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      return new ValidationError(details.map((d) => d.message).join('; ') || 'Invalid request', details);
    },
  });
}
