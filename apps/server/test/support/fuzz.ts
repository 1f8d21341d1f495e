/**
 * fast-check arbitraries for bad input: JSON bodies built as trees (so that they can hold
 * `__proto__` keys, duplicate keys and huge strings and still print briefly in a counterexample),
 * path ids, query strings and tokens. Each arbitrary named `invalid…` yields only input that
 * API.md (or the server's documented validation) rejects, so that a 2xx is a finding, not noise.
 */
import fc from 'fast-check';

import { DEFAULT_MAX_ROWS } from '../../src/app/config/onward-config';
import { RUN_STATUSES } from './contract';

/** A JSON value as sent on the wire; objects keep their entries in order, duplicates included. */
export type Json =
  null | boolean | number | string | Json[] | JsonObject | HugeString | DeepNesting | WideObject | LongArray;

/** A JSON object as a list of entries: `{"a":1,"a":2}` and `{"__proto__":…}` are expressible. */
export class JsonObject {
  constructor(readonly entries: readonly (readonly [string, Json])[]) {}

  /** Sets `key` (replacing every entry of it, or appending a duplicate: JSON.parse keeps the last). */
  with(key: string, value: Json, duplicate = false): JsonObject {
    const kept = duplicate ? this.entries : this.entries.filter(([k]) => k !== key);
    return new JsonObject([...kept, [key, value]]);
  }

  without(key: string): JsonObject {
    return new JsonObject(this.entries.filter(([k]) => k !== key));
  }

  get(key: string): Json | undefined {
    return [...this.entries].reverse().find(([k]) => k === key)?.[1];
  }

  [fc.toStringMethod](): string {
    return preview(this);
  }
}

/** A string of `unit` repeated `times`: large on the wire, short in a counterexample. */
export class HugeString {
  constructor(
    readonly unit: string,
    readonly times: number,
  ) {}

  get value(): string {
    return this.unit.repeat(this.times);
  }

  [fc.toStringMethod](): string {
    return `${JSON.stringify(this.unit)}×${this.times}`;
  }
}

/** Arrays or objects nested `depth` levels deep around a 1: `[[[1]]]`. */
export class DeepNesting {
  constructor(
    readonly depth: number,
    readonly open: '[' | '{"a":',
  ) {}

  get text(): string {
    const close = this.open === '[' ? ']' : '}';
    return `${this.open.repeat(this.depth)}1${close.repeat(this.depth)}`;
  }

  [fc.toStringMethod](): string {
    return `${this.open}×${this.depth}`;
  }
}

/** An object with `keys` properties `{"k0":0,"k1":1,…}`. */
export class WideObject {
  constructor(readonly keys: number) {}

  get text(): string {
    return `{${Array.from({ length: this.keys }, (_, i) => `"k${i}":${i}`).join(',')}}`;
  }

  [fc.toStringMethod](): string {
    return `{…${this.keys} keys}`;
  }
}

/** An array of `items` zeros. */
export class LongArray {
  constructor(readonly items: number) {}

  get text(): string {
    return `[${new Array(this.items).fill('0').join(',')}]`;
  }

  [fc.toStringMethod](): string {
    return `[…${this.items} items]`;
  }
}

/** The wire form of a tree. */
export function serialize(value: Json): string {
  if (value instanceof DeepNesting || value instanceof WideObject || value instanceof LongArray) return value.text;
  if (value instanceof HugeString) return JSON.stringify(value.value);
  if (value instanceof JsonObject) {
    return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${serialize(v)}`).join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => serialize(v)).join(',')}]`;
  return JSON.stringify(value);
}

/** A short rendering for messages (huge strings and long arrays abbreviated). */
export function preview(value: Json): string {
  if (
    value instanceof DeepNesting ||
    value instanceof HugeString ||
    value instanceof WideObject ||
    value instanceof LongArray
  ) {
    return value[fc.toStringMethod]();
  }
  if (value instanceof JsonObject) {
    return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${preview(v)}`).join(',')}}`;
  }
  if (Array.isArray(value)) {
    const shown = value.slice(0, 5).map((v) => preview(v));
    return `[${shown.join(',')}${value.length > 5 ? `,…(${value.length} items)` : ''}]`;
  }
  return JSON.stringify(value);
}

/** Keys that tempt object-mapping code: prototype pollution and inherited members. */
export const PROTOTYPE_KEYS = [...Object.getOwnPropertyNames(Object.prototype), 'prototype'];

/** Strings that have broken servers: NUL, lone surrogates, SQL, paths, RTL marks, emoji. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  "' OR '1'='1",
  '"; DROP TABLE runs; --',
  '../../etc/passwd',
  '%00',
  '%',
  '\u202egnp.exe',
  '🧨💥',
  'null',
  'undefined',
  'NaN',
  '[object Object]',
  ...PROTOTYPE_KEYS,
];

export const anyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(...NASTY_STRINGS),
);

const hugeString: fc.Arbitrary<HugeString> = fc
  .tuple(fc.constantFrom('x', 'é', '🧨', '\u0000', '"'), fc.integer({ min: 1_001, max: 60_000 }))
  .map(([unit, times]) => new HugeString(unit, times));

const number: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, -1, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2),
);

const leaf: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: anyString },
  { weight: 2, arbitrary: number },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: hugeString },
);

export const anyKey: fc.Arbitrary<string> = fc.oneof(anyString, fc.constantFrom(...PROTOTYPE_KEYS));

/** Any JSON value, a few levels deep, with odd keys. */
export const anyJson: fc.Arbitrary<Json> = fc.letrec<{ json: Json }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('json'), { maxLength: 4 }),
    fc.array(fc.tuple(anyKey, tie('json')), { maxLength: 4 }).map((entries) => new JsonObject(entries)),
  ),
})).json;

/** Any JSON value, or (now and then) one nested 100 000 levels deep, with 60 000 keys or 400 000 items. */
export const anyJsonOrDeep: fc.Arbitrary<Json> = fc.oneof(
  { weight: 18, arbitrary: anyJson },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 100, max: 100_000 }), fc.constantFrom('[' as const, '{"a":' as const))
      .map(([depth, open]) => new DeepNesting(depth, open)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 257, max: 60_000 }).map((keys) => new WideObject(keys)) },
  // More items than ONWARD_MAX_ROWS (by default) lets through the validation pipe.
  {
    weight: 1,
    arbitrary: fc.integer({ min: DEFAULT_MAX_ROWS + 1, max: 400_000 }).map((items) => new LongArray(items)),
  },
);

const isObjectLike = (value: Json): boolean => value instanceof JsonObject;

/** A value that is not a string (null excluded: for optional fields it means "absent"). */
export const nonString: fc.Arbitrary<Json> = anyJson.filter(
  (v) => v !== null && typeof v !== 'string' && !(v instanceof HugeString),
);

// ---------------------------------------------------------------------------------------------
// POST /api/runs

export const TASK_IDS = ['sales-report', 'recalculate-prices', 'print-preview'] as const;
const CUSTOMERS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark'];

type ParamKind = 'requiredString' | 'category' | 'year' | 'seconds';
/** recalculate-prices' category: a parameter with `options`, the only values allowed. */
const CATEGORIES = ['Hardware', 'Services', 'Software'];
interface TaskShape {
  id: (typeof TASK_IDS)[number];
  params: Record<string, ParamKind>;
  valid: fc.Arbitrary<JsonObject>;
  background: boolean;
}

const TASKS: TaskShape[] = [
  {
    id: 'sales-report',
    params: { customer: 'requiredString', year: 'year' },
    valid: fc.tuple(fc.constantFrom(...CUSTOMERS), fc.integer({ min: 2000, max: 2100 })).map(
      ([customer, year]) =>
        new JsonObject([
          ['customer', customer],
          ['year', year],
        ]),
    ),
    background: true,
  },
  {
    id: 'recalculate-prices',
    params: { category: 'category', seconds: 'seconds' },
    valid: fc
      .tuple(fc.constantFrom(...CATEGORIES), fc.option(fc.double({ min: 0.5, max: 3600, noNaN: true })))
      .map(([category, seconds]) =>
        seconds === null
          ? new JsonObject([['category', category]])
          : new JsonObject([
              ['category', category],
              ['seconds', seconds],
            ]),
      ),
    background: true,
  },
  {
    id: 'print-preview',
    params: { customer: 'requiredString' },
    valid: fc.constantFrom(...CUSTOMERS).map((customer) => new JsonObject([['customer', customer]])),
    background: false,
  },
];

/** A value that the parameter declaration rejects, whatever else the body holds. */
function invalidParameterValue(kind: ParamKind): fc.Arbitrary<Json> {
  switch (kind) {
    case 'requiredString':
      return fc.oneof(
        nonString,
        fc.constantFrom('', '   ', '\t\n'),
        fc.integer({ min: 1_001, max: 5_000 }).map((n) => new HugeString('x', n)),
      );
    case 'category':
      return fc.oneof(
        invalidParameterValue('requiredString'),
        anyString.filter((v) => !CATEGORIES.includes(v)),
      );
    case 'year':
      return fc.oneof(
        anyJson.filter((v) => typeof v !== 'number'),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Number.isInteger(v)),
        fc.integer().filter((v) => v < 2000 || v > 2100),
        fc.constantFrom('2024', 2024.5),
      );
    case 'seconds':
      return fc.oneof(
        anyJson.filter((v) => v !== null && typeof v !== 'number'),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => v < 0.5 || v > 3600),
        fc.constantFrom('10', 0, -1, 3600.5),
      );
  }
}

/** Parameters that are wrong for this task: an unknown name, a bad value or a missing required one. */
function invalidParameters(task: TaskShape): fc.Arbitrary<Json> {
  const names = Object.keys(task.params);
  const required = names.filter((n) => task.params[n] !== 'seconds');
  return fc.oneof(
    // An unknown name, prototype keys included, next to valid ones.
    fc
      .tuple(
        task.valid,
        anyKey.filter((k) => !names.includes(k)),
        anyJsonOrDeep,
        fc.boolean(),
      )
      .map(
        ([params, key, value, first]) =>
          new JsonObject(first ? [[key, value], ...params.entries] : [...params.entries, [key, value]]),
      ),
    // One declared parameter with a value of the wrong type or out of range (maybe as a duplicate key).
    fc
      .tuple(task.valid, fc.constantFrom(...names), fc.boolean())
      .chain(([params, name, duplicate]) =>
        invalidParameterValue(task.params[name] as ParamKind).map((value) => params.with(name, value, duplicate)),
      ),
    // A required parameter missing (or null).
    fc
      .tuple(task.valid, fc.constantFrom(...required), fc.boolean())
      .map(([params, name, asNull]) => (asNull ? params.with(name, null) : params.without(name))),
    // Not an object at all.
    anyJson.filter((v) => v !== null && !isObjectLike(v)),
  );
}

export interface BodyCase {
  readonly defects: string[];
  readonly body: Json;
}

function validBody(task: TaskShape): fc.Arbitrary<JsonObject> {
  return fc.oneof(
    task.valid.map(
      (p) =>
        new JsonObject([
          ['task', task.id],
          ['parameters', p],
        ]),
    ),
    fc.array(task.valid, { minLength: 1, maxLength: 3 }).map(
      (rows) =>
        new JsonObject([
          ['task', task.id],
          ['rows', rows],
        ]),
    ),
  );
}

type Defect = (body: JsonObject, task: TaskShape) => fc.Arbitrary<[string, JsonObject]>;

const DEFECTS: Defect[] = [
  // task: missing, not a string, empty, too long, or not in the catalogue.
  (body) =>
    fc.oneof(
      fc.constant<[string, JsonObject]>(['task missing', body.without('task')]),
      nonString.map((v): [string, JsonObject] => ['task not a string', body.with('task', v)]),
      fc.constant<[string, JsonObject]>(['task empty', body.with('task', '')]),
      anyString
        .filter((s) => !(TASK_IDS as readonly string[]).includes(s) && s !== '')
        .map((s): [string, JsonObject] => ['task unknown', body.with('task', s, true)]),
      fc.constant<[string, JsonObject]>(['task too long', body.with('task', new HugeString('t', 101))]),
    ),
  // parameters / rows that the task's declaration rejects.
  (body, task) =>
    body.get('rows') === undefined
      ? invalidParameters(task).map((p): [string, JsonObject] => ['bad parameters', body.with('parameters', p)])
      : fc.oneof(
          fc.constant<[string, JsonObject]>(['rows empty', body.with('rows', [])]),
          anyJson
            .filter((v) => v !== null && !Array.isArray(v))
            .map((v): [string, JsonObject] => ['rows not an array', body.with('rows', v)]),
          fc.tuple(invalidParameters(task), fc.nat(3)).map(([row, at]): [string, JsonObject] => {
            const rows = [...(body.get('rows') as Json[])];
            rows.splice(Math.min(at, rows.length), 0, row);
            return ['bad row', body.with('rows', rows)];
          }),
          fc.integer({ min: DEFAULT_MAX_ROWS + 1, max: DEFAULT_MAX_ROWS + 50 }).map((n): [string, JsonObject] => [
            'too many rows',
            body.with(
              'rows',
              Array.from({ length: n }, () => (body.get('rows') as Json[])[0] as Json),
            ),
          ]),
        ),
  // both parameters and rows.
  (body, task) =>
    fc
      .tuple(task.valid, fc.array(task.valid, { minLength: 1, maxLength: 2 }))
      .map(([params, rows]): [string, JsonObject] => [
        'parameters and rows',
        body.with('parameters', params).with('rows', rows),
      ]),
  // mode: unknown value, or background for a foreground-only task.
  (body, task) =>
    fc.oneof(
      anyJson
        .filter((v) => v !== null && v !== 'foreground' && v !== 'background')
        .map((v): [string, JsonObject] => ['mode unknown', body.with('mode', v)]),
      ...(task.background
        ? []
        : [fc.constant<[string, JsonObject]>(['background for a foreground task', body.with('mode', 'background')])]),
    ),
  // a field the DTO does not declare (the server whitelists).
  (body) =>
    fc
      .tuple(
        anyKey.filter((k) => !['task', 'parameters', 'rows', 'mode'].includes(k)),
        anyJsonOrDeep,
      )
      .map(([key, value]): [string, JsonObject] => [`extra field ${JSON.stringify(key)}`, body.with(key, value)]),
];

/** Bodies of `POST /api/runs` with one to three defects, each enough to reject the request. */
export const invalidRunBody: fc.Arbitrary<BodyCase> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .constantFrom(...TASKS)
      .chain((task) => fc.tuple(fc.constant(task), validBody(task)))
      .chain(([task, body]) =>
        fc.subarray(DEFECTS, { minLength: 1, maxLength: 3 }).chain((defects) =>
          defects.reduce<fc.Arbitrary<BodyCase>>(
            (acc, defect) =>
              acc.chain((c) =>
                defect(c.body as JsonObject, task).map(([name, next]) => ({
                  defects: [...c.defects, name],
                  body: next,
                })),
              ),
            fc.constant({ defects: [], body }),
          ),
        ),
      ),
  },
  // Not an object at all, or one with tens of thousands of keys.
  {
    weight: 1,
    arbitrary: anyJsonOrDeep
      .filter((v) => !(v instanceof JsonObject))
      .map((body) => ({ defects: [body instanceof WideObject ? 'too many keys' : 'not an object'], body })),
  },
);

// ---------------------------------------------------------------------------------------------
// Ids, queries, tokens

/** encodeURIComponent that also takes lone surrogates (as U+FFFD, like any UTF-8 encoder). */
export function percentEncode(value: string): string {
  return Array.from(Buffer.from(value, 'utf8'), (byte) => {
    const char = String.fromCharCode(byte);
    return /[A-Za-z0-9\-_.!~*'()]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path segment that is not a uuid (encoded; never one that a URL parser folds into `.`/`..`). */
export const nonUuidSegment: fc.Arbitrary<string> = fc
  .oneof(
    anyString.map((s) => percentEncode(s)),
    fc.constantFrom('%', '%E0%A4%A', '%00', '%2F..%2F', '1', 'null', '00000000-0000-0000-0000-00000000000g'),
    fc.integer({ min: 37, max: 5_000 }).map((n) => 'a'.repeat(n)),
  )
  .filter((s) => s.replace(/\.|%2e/gi, '') !== '' && !UUID.test(decodeSafely(s)));

function decodeSafely(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Encodes query pairs, sometimes leaving the value raw (odd percent-escapes, brackets). */
export function queryString(pairs: readonly (readonly [string, string, boolean])[]): string {
  return pairs.map(([k, v, raw]) => (raw ? `${k}=${v}` : `${percentEncode(k)}=${percentEncode(v)}`)).join('&');
}

export type QueryPair = readonly [string, string, boolean];

const pair = (key: fc.Arbitrary<string>, value: fc.Arbitrary<string>): fc.Arbitrary<QueryPair> =>
  fc.tuple(key, value, fc.constant(false));

const validLimit = (v: string): boolean => /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 200;
const statusesIn = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** One pair that `GET /api/runs` must reject with 400. */
export const invalidListPair: fc.Arbitrary<QueryPair> = fc.oneof(
  pair(
    fc.constant('limit'),
    fc
      .oneof(anyString, fc.integer().map(String), fc.constantFrom('0', '201', '1e2', '-1', '5.0', ' 5', '0x10'))
      .filter((v) => !validLimit(v)),
  ),
  pair(
    fc.constant('status'),
    fc
      .tuple(fc.subarray([...RUN_STATUSES]), anyString)
      .map(([known, odd]) => [...known, odd].join(','))
      .filter((v) => statusesIn(v).some((s) => !(RUN_STATUSES as readonly string[]).includes(s))),
  ),
  pair(
    fc.constant('mode'),
    anyString.filter((v) => v !== 'foreground' && v !== 'background'),
  ),
  pair(fc.constant('cursor'), fc.oneof(anyString, fc.constantFrom('eyJ4IjoxfQ.AAAAAAAAAAAAAAAAAAAAAA', 'a.b.c'))),
);

/** Pairs that may be fine or not: known keys with plausible values, unknown keys, raw oddities. */
export const anyListPair: fc.Arbitrary<QueryPair> = fc.oneof(
  pair(fc.constantFrom('limit', 'status', 'mode', 'cursor', 'user'), anyString),
  pair(fc.constant('limit'), fc.integer({ min: 1, max: 200 }).map(String)),
  pair(
    fc.constant('status'),
    fc.subarray([...RUN_STATUSES], { minLength: 1 }).map((s) => s.join(',')),
  ),
  pair(fc.constant('mode'), fc.constantFrom('foreground', 'background')),
  pair(anyKey, anyString),
  fc.tuple(
    fc.constantFrom('limit[a]', 'status[]', 'a[b][c]', '__proto__[x]', '', '%', 'x%zz'),
    fc.constantFrom('1', '%', '%E0%A4%A', '', 'a=b'),
    fc.constant(true),
  ),
);

/** The plain value JSON.parse makes of a tree (own `__proto__` keys included). */
export function toPlain(value: Json): unknown {
  return JSON.parse(serialize(value));
}

/** Signs claims with a key that is not the server's, or (`signed` false) not at all. */
export type Forger = (claims: Record<string, unknown>, signed: boolean) => string;

/** Generated JWT claims (odd types included) for forged tokens that fit in a header (< 16 KiB). */
export const forgedClaims: fc.Arbitrary<Record<string, unknown>> = fc
  .record({ sub: anyJson, username: anyJson, roles: anyJson, exp: fc.oneof(fc.integer(), fc.constant(1)) })
  .map((claims) => toPlain(new JsonObject(Object.entries(claims))) as Record<string, unknown>)
  .filter((claims) => Buffer.byteLength(JSON.stringify(claims)) < 8_000); // base64: under 11 KiB

/** Authorization header values that must not authenticate anyone. */
export function badAuthorization(forge: Forger): fc.Arbitrary<string | null> {
  return fc.oneof(
    fc.constant(null),
    anyString.filter((s) => !/[\r\n]/.test(s) && /^[\t\x20-\x7e\x80-\xff]*$/.test(s)),
    fc.constantFrom('Bearer', 'Bearer ', 'Bearer  x', 'Basic YWxpY2U6YWxpY2U=', 'bearer x.y.z', 'Bearer a.b.c'),
    fc.tuple(forgedClaims, fc.boolean()).map(([claims, signed]) => `Bearer ${forge(claims, signed)}`),
  );
}

// ---------------------------------------------------------------------------------------------
// Valid but extreme

/** A string parameter value at the edges of what is valid: 1–1000 UTF-16 units, any script, no NUL. */
const extremeString: fc.Arbitrary<Json> = fc
  .oneof(
    anyString,
    fc
      .tuple(fc.constantFrom('x', 'é', '🧨', '\ud800', '"', '\\', ' '), fc.integer({ min: 1, max: 1_000 }))
      .map(([unit, times]) => unit.repeat(times).slice(0, 1_000)),
  )
  .filter((s) => s.trim() !== '' && s.length <= 1_000 && !s.includes('\u0000'));

function extremeParameters(task: TaskShape): fc.Arbitrary<JsonObject> {
  const entries = Object.entries(task.params).map(([name, kind]) => {
    switch (kind) {
      case 'requiredString':
        return extremeString.map((v): [string, Json][] => [[name, v]]);
      case 'category':
        return fc.constantFrom(...CATEGORIES).map((v): [string, Json][] => [[name, v]]);
      case 'year':
        return fc.constantFrom(2000, 2100, 2024).map((v): [string, Json][] => [[name, v]]);
      case 'seconds':
        // The lower bound only, never left out: with a real category the run works for `seconds` (10 by
        // default), and a selection of up to 5 rows must end within the test's wait.
        return fc.constantFrom(0.5, 1).map((v): [string, Json][] => [[name, v]]);
    }
  });
  return fc.tuple(...entries).map((parts) => new JsonObject(parts.flat()));
}

/** Valid `POST /api/runs` bodies with extreme values (long and odd strings, bounds, 1–5 rows). */
export const extremeRunBody: fc.Arbitrary<JsonObject> = fc.constantFrom(...TASKS).chain((task) =>
  fc
    .tuple(
      fc.oneof(
        extremeParameters(task).map((p): [string, Json] => ['parameters', p]),
        fc.array(extremeParameters(task), { minLength: 1, maxLength: 5 }).map((rows): [string, Json] => ['rows', rows]),
      ),
      fc.constantFrom<(string | null)[]>(null, 'foreground', ...(task.background ? ['background'] : [])),
    )
    .map(
      ([input, mode]) =>
        new JsonObject([['task', task.id], input, ...(mode === null ? [] : [['mode', mode] as [string, Json]])]),
    ),
);

// ---------------------------------------------------------------------------------------------
// User accounts: POST/PATCH /api/admin/users, POST /api/auth/password

const USERNAME = /^[A-Za-z0-9_.@-]{1,100}$/;

/** Values that break a field's rule (null included: no field of these bodies may be null). */
const badUserField: Record<'username' | 'displayName' | 'password' | 'roles' | 'disabled', fc.Arbitrary<Json>> = {
  username: fc.oneof(
    nonString,
    fc.constant(null),
    anyString.filter((s) => !USERNAME.test(s)),
    fc.constant(new HugeString('u', 101)),
  ),
  displayName: fc.oneof(nonString, fc.constant(null), fc.constant(''), fc.constant(new HugeString('d', 201))),
  password: fc.oneof(nonString, fc.constant(null), fc.string({ maxLength: 7 }), fc.constant(new HugeString('p', 201))),
  roles: fc.oneof(
    anyJson.filter((v) => !Array.isArray(v)),
    fc.array(
      anyJson.filter((v) => v !== 'user' && v !== 'admin'),
      { minLength: 1, maxLength: 3 },
    ),
    fc.constant<Json>(['user', 'admin', 'user']),
  ),
  disabled: anyJson.filter((v) => typeof v !== 'boolean'),
};

const validUserFields = fc.record({
  username: fc.stringMatching(/^[a-z][a-z0-9_.@-]{0,20}$/),
  displayName: fc.string({ minLength: 1, maxLength: 50 }).filter((s) => s.trim() !== ''),
  password: fc.string({ minLength: 8, maxLength: 40 }),
  roles: fc.subarray(['user', 'admin']),
});

type UserField = keyof typeof badUserField;

/** One defect of a user body: a field broken or missing (if required), or a field the DTO does not declare. */
function userDefect(
  fields: readonly UserField[],
  required: readonly UserField[],
): (body: JsonObject) => fc.Arbitrary<[string, JsonObject]> {
  return (body) =>
    fc.oneof(
      fc
        .constantFrom(...fields)
        .chain((field) =>
          badUserField[field].map((value): [string, JsonObject] => [`bad ${field}`, body.with(field, value)]),
        ),
      ...(required.length > 0
        ? [fc.constantFrom(...required).map((field): [string, JsonObject] => [`no ${field}`, body.without(field)])]
        : []),
      fc
        .tuple(
          anyKey.filter((k) => !(fields as readonly string[]).includes(k)),
          anyJson,
        )
        .map(([key, value]): [string, JsonObject] => [`extra field ${JSON.stringify(key)}`, body.with(key, value)]),
    );
}

function withDefects(
  base: fc.Arbitrary<JsonObject>,
  defect: (body: JsonObject) => fc.Arbitrary<[string, JsonObject]>,
): fc.Arbitrary<BodyCase> {
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .tuple(base, fc.integer({ min: 1, max: 3 }))
        .chain(([body, count]) =>
          Array.from({ length: count }).reduce<fc.Arbitrary<BodyCase>>(
            (acc) =>
              acc.chain((c) =>
                defect(c.body as JsonObject).map(([name, next]) => ({ defects: [...c.defects, name], body: next })),
              ),
            fc.constant({ defects: [], body }),
          ),
        ),
    },
    {
      weight: 1,
      arbitrary: anyJsonOrDeep
        .filter((v) => !(v instanceof JsonObject))
        .map((body) => ({ defects: ['not an object'], body })),
    },
  );
}

const USER_FIELDS: UserField[] = ['username', 'displayName', 'password', 'roles'];

/** Bodies of `POST /api/admin/users` with one to three defects. */
export const invalidCreateUserBody: fc.Arbitrary<BodyCase> = withDefects(
  validUserFields.map(
    (u) =>
      new JsonObject([
        ['username', u.username],
        ['displayName', u.displayName],
        ['password', u.password],
        ['roles', u.roles],
      ]),
  ),
  userDefect(USER_FIELDS, USER_FIELDS),
);

const PATCH_FIELDS: UserField[] = ['displayName', 'password', 'roles', 'disabled'];

/** Bodies of `PATCH /api/admin/users/:id` with one to three defects, or no field at all. */
export const invalidUpdateUserBody: fc.Arbitrary<BodyCase> = fc.oneof(
  withDefects(
    fc
      .tuple(validUserFields, fc.boolean(), fc.subarray(PATCH_FIELDS))
      .map(
        ([u, disabled, picked]) =>
          new JsonObject(
            picked.map((field): [string, Json] => [
              field,
              field === 'disabled' ? disabled : u[field as keyof typeof u],
            ]),
          ),
      ),
    userDefect(PATCH_FIELDS, []),
  ),
  fc.constant<BodyCase>({ defects: ['no field'], body: new JsonObject([]) }),
);

/**
 * Bodies of `POST /api/auth/password` that must be refused: a field broken, missing or extra, or a
 * well-formed change whose current password is wrong (never `notCurrent`).
 */
export function invalidPasswordBody(notCurrent: string): fc.Arbitrary<BodyCase> {
  const base = fc
    .tuple(fc.string({ minLength: 1, maxLength: 30 }), fc.string({ minLength: 8, maxLength: 40 }))
    .filter(([current]) => current !== notCurrent)
    .map(
      ([current, next]) =>
        new JsonObject([
          ['currentPassword', current],
          ['newPassword', next],
        ]),
    );
  const bad: Record<'currentPassword' | 'newPassword', fc.Arbitrary<Json>> = {
    currentPassword: fc.oneof(nonString, fc.constant(null), fc.constant(''), fc.constant(new HugeString('c', 201))),
    newPassword: badUserField.password,
  };
  const defect = (body: JsonObject): fc.Arbitrary<[string, JsonObject]> =>
    fc.oneof(
      fc
        .constantFrom<'currentPassword' | 'newPassword'>('currentPassword', 'newPassword')
        .chain((field) => bad[field].map((value): [string, JsonObject] => [`bad ${field}`, body.with(field, value)])),
      fc
        .constantFrom('currentPassword', 'newPassword')
        .map((field): [string, JsonObject] => [`no ${field}`, body.without(field)]),
      fc
        .tuple(
          anyKey.filter((k) => k !== 'currentPassword' && k !== 'newPassword'),
          anyJson,
        )
        .map(([key, value]): [string, JsonObject] => [`extra field ${JSON.stringify(key)}`, body.with(key, value)]),
    );
  return fc.oneof(
    { weight: 1, arbitrary: base.map((body) => ({ defects: ['wrong current password'], body })) },
    { weight: 6, arbitrary: withDefects(base, defect) },
  );
}

/** A header value Node accepts on the wire: visible ASCII and spaces, trimmed. */
const headerValue: fc.Arbitrary<string> = fc
  .string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 })
  .map((s) => s.trim());

/** Numbers as a tus client might send them, and not: negative, fractional, huge, hex, words. */
const tusNumber: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: -10, max: 5_000_000 }).map(String),
  fc.constantFrom('', '1e3', '0x10', '1.5', '-0', '99999999999999999999', 'NaN', ' 10', '10 ', '+5'),
  headerValue,
);

/** `Upload-Metadata` values: well-formed pairs of generated keys and values, and junk. */
const tusMetadata: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(fc.tuple(fc.constantFrom('filename', 'filetype', 'x', 'filename '), anyString), { maxLength: 3 })
    .map((pairs) => pairs.map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',')),
  headerValue,
);

/** The headers of a tus request, each left out, well-formed or generated. */
export const tusHeaders: fc.Arbitrary<Record<string, string | null>> = fc.record({
  'Tus-Resumable': fc.oneof(fc.constant('1.0.0'), fc.constant(null), headerValue),
  'Upload-Length': fc.oneof(fc.constant(null), tusNumber),
  'Upload-Defer-Length': fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, tusNumber),
  'Upload-Offset': fc.oneof(fc.constant(null), tusNumber),
  'Upload-Metadata': fc.oneof(fc.constant(null), tusMetadata),
  'Upload-Concat': fc.oneof(
    { weight: 4, arbitrary: fc.constant(null) },
    fc.constantFrom('partial', 'final;/a /b'),
    headerValue,
  ),
  'Content-Type': fc.oneof(
    fc.constant(null),
    fc.constantFrom(
      'application/offset+octet-stream',
      'application/json',
      'text/plain',
      'application/offset+octet-stream; x=1',
    ),
    headerValue,
  ),
});
