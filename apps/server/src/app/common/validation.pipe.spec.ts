import { ValidationError } from './domain-errors';
import { createValidationPipe, MAX_INPUT_DEPTH, MAX_INPUT_ITEMS, MAX_INPUT_KEYS, unsafeInput } from './validation.pipe';

const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}1${']'.repeat(depth)}`);

describe('unsafeInput', () => {
  it('passes the requests of the contract', () => {
    expect(unsafeInput({ task: 'sales-report', parameters: { customer: 'Acme', year: 2025 } })).toBeNull();
    expect(unsafeInput({ task: 'sales-report', rows: [{ customer: 'Ünïcødé 🧾', year: 2024 }] })).toBeNull();
    expect(unsafeInput({ status: 'queued,running', limit: '10' })).toBeNull();
    expect(unsafeInput(nested(MAX_INPUT_DEPTH - 1))).toBeNull();
    expect(unsafeInput(undefined)).toBeNull();
  });

  it.each([
    ['__proto__', '{"task":"x","parameters":{"__proto__":{"customer":"Acme"}}}', 'parameters.__proto__'],
    ['constructor', '{"task":"x","parameters":{"constructor":{"prototype":{}}}}', 'parameters.constructor'],
    ['toString', '{"task":"x","toString":1}', 'toString'],
    ['valueOf in a row', '{"task":"x","rows":[{"valueOf":1}]}', 'rows[0].valueOf'],
  ])('names a key of Object.prototype (%s)', (_name, json, field) => {
    expect(unsafeInput(JSON.parse(json))).toEqual({ field, message: 'is not an allowed property name' });
  });

  it('names the point where nesting gets too deep, without overflowing the stack itself', () => {
    expect(unsafeInput({ parameters: { x: nested(100_000) } })?.message).toBe(
      `is nested more than ${MAX_INPUT_DEPTH} levels deep`,
    );
    expect(unsafeInput(nested(MAX_INPUT_DEPTH + 1))?.field).toMatch(/^(\[0\]){32}$/);
  });

  it('names an object with more properties than any request needs (mapping them is quadratic)', () => {
    const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    expect(unsafeInput({ parameters: many(MAX_INPUT_KEYS) })).toBeNull();
    expect(unsafeInput({ parameters: many(MAX_INPUT_KEYS + 1) })).toEqual({
      field: 'parameters',
      message: `has more than ${MAX_INPUT_KEYS} properties`,
    });
    expect(unsafeInput(many(70_000), '(query)')?.field).toBe('(query)');
    expect(unsafeInput({ rows: Array.from({ length: 1000 }, () => ({ customer: 'Acme' })) })).toBeNull();
  });

  it('names an array with more items than `rows` may have (mapping them takes seconds)', () => {
    expect(unsafeInput({ rows: new Array(MAX_INPUT_ITEMS).fill({}) })).toBeNull();
    expect(unsafeInput({ rows: new Array(MAX_INPUT_ITEMS + 1).fill({}) })).toEqual({
      field: 'rows',
      message: `has more than ${MAX_INPUT_ITEMS} items`,
    });
    expect(unsafeInput(new Array(450_000).fill(0))?.field).toBe('(body)');
  });

  it('names a NUL character in a value or a key', () => {
    expect(unsafeInput({ username: 'a\u0000b' })).toEqual({
      field: 'username',
      message: 'must not contain NUL characters',
    });
    expect(unsafeInput({ parameters: { 'x\u0000': 1 } })?.field).toBe('parameters.x\u0000');
    expect(unsafeInput('\u0000')?.field).toBe('(body)');
  });
});

describe('createValidationPipe', () => {
  const pipe = createValidationPipe();

  it('refuses an unsafe body or query with a ValidationError carrying the field', async () => {
    const body = JSON.parse('{"task":"x","__proto__":{"admin":true}}') as unknown;
    const error = await pipe.transform(body, { type: 'body' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual([
      { field: '__proto__', message: 'is not an allowed property name' },
    ]);
    await expect(pipe.transform({ user: '\u0000' }, { type: 'query' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses an array where a body object is expected, even for a DTO whose fields are all optional', async () => {
    class AllOptional {}
    const error = await pipe.transform([], { type: 'body', metatype: AllOptional }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual([
      { field: '(body)', message: 'must be a JSON object, not an array' },
    ]);
  });

  it('takes ONWARD_MAX_ROWS as the item limit and names that setting when an array passes it', async () => {
    const rows = (n: number) => ({ task: 'x', rows: Array.from({ length: n }, () => ({ customerId: 12345 })) });
    await expect(pipe.transform(rows(MAX_INPUT_ITEMS), { type: 'body' })).resolves.toBeDefined();
    const small = createValidationPipe(3);
    await expect(small.transform(rows(3), { type: 'body' })).resolves.toBeDefined();
    const error = (await small.transform(rows(4), { type: 'body' }).catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('rows has more than 3 items, the most allowed (ONWARD_MAX_ROWS)');
    expect(error.details).toEqual([{ field: 'rows', message: 'has more than 3 items' }]);
    // Other limits keep their own message.
    const many = Object.fromEntries(Array.from({ length: MAX_INPUT_KEYS + 1 }, (_, i) => [`k${i}`, i]));
    const keys = (await small.transform(many, { type: 'query' }).catch((e: unknown) => e)) as ValidationError;
    expect(keys.message).toBe(`(query) has more than ${MAX_INPUT_KEYS} properties`);
  });

  it('leaves route parameters and custom decorators alone', async () => {
    await expect(pipe.transform('\u0000', { type: 'param' })).resolves.toBe('\u0000');
    const user = { id: 'u', constructor: 1 };
    await expect(pipe.transform(user, { type: 'custom' })).resolves.toBe(user);
  });
});
