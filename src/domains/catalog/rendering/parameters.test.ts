import { cachingCompiler, compileParameters, ParameterProblem } from './parameters.js';
import { regexProblem } from './safe-regex.js';

const SCHEMA = {
  type: 'object',
  properties: {
    replicas: { type: 'integer', minimum: 1, maximum: 10, default: 2 },
    image: { type: 'string', maxLength: 200, default: 'nginx:1.27' },
    db: { type: 'object', default: {}, properties: { port: { type: 'integer', default: 5432 }, password: { type: 'string', maxLength: 100 } } },
  },
  required: ['replicas'],
  additionalProperties: false,
};

function problemOf(work: () => unknown): ParameterProblem {
  try {
    work();
  } catch (error) {
    if (error instanceof ParameterProblem) return error;
    throw error;
  }
  throw new Error('no problem raised');
}

describe('parameter schemas', () => {
  test('values get the defaults filled in, nested ones included; the input is not changed', () => {
    const input = { replicas: 3 };
    expect(compileParameters(SCHEMA).validate(input)).toEqual({ replicas: 3, image: 'nginx:1.27', db: { port: 5432 } });
    expect(input).toEqual({ replicas: 3 });
  });

  test('values that break the schema name the parameter', () => {
    const compiled = compileParameters(SCHEMA);
    expect(problemOf(() => compiled.validate({ replicas: 'three' }))).toMatchObject({ path: 'replicas', reason: 'must be integer' });
    expect(problemOf(() => compiled.validate({ replicas: 11 }))).toMatchObject({ path: 'replicas' });
    expect(problemOf(() => compiled.validate({ replicas: 1, db: { port: 'x' } }))).toMatchObject({ path: 'db.port' });
    expect(problemOf(() => compiled.validate({ replicas: 1, colour: 'red' }))).toMatchObject({ path: 'colour', reason: 'unknown parameter colour' });
  });

  test('a missing required parameter without a default is named', () => {
    const compiled = compileParameters({ type: 'object', properties: { password: { type: 'string', maxLength: 64 } }, required: ['password'] });
    expect(problemOf(() => compiled.validate({}))).toMatchObject({ path: 'password', reason: 'missing required parameter password' });
    expect(compiled.defaults()).toEqual({ values: {}, complete: false });
  });

  test('defaults that break their own schema are refused', () => {
    const compiled = compileParameters({ type: 'object', properties: { replicas: { type: 'integer', default: 'two' } } });
    expect(problemOf(() => compiled.defaults())).toMatchObject({ path: 'replicas', reason: expect.stringContaining('the default breaks the schema') });
  });

  test('declares follows properties', () => {
    const compiled = compileParameters(SCHEMA);
    expect(compiled.declares(['db', 'port'])).toBe(true);
    expect(compiled.declares(['db', 'user'])).toBe(false);
    expect(compiled.declares(['constructor'])).toBe(false);
    expect(compiled.declares(['replicas', 'x'])).toBe(false);
  });

  test.each([
    [[], /JSON Schema object/],
    [{ type: 'array' }, /must be "object"/],
    [{ type: 'object', properties: { a: { type: 'strin' } } }, /schema is invalid|must be equal to one of the allowed values/],
    [{ type: 'object', 'x-ui': 1 }, /unknown keyword/],
    [{ type: 'object', properties: { a: { $ref: 'https://example.com/schema.json' } } }, /can't resolve reference/],
    [{ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' }, /draft-07/],
    [{ type: 'object', properties: { a: { type: 'string', pattern: '^a+$' } } }, /needs maxLength/],
    [{ type: 'object', properties: { a: { type: 'string', maxLength: 50, pattern: '^(a+)+$' } } }, /repeats a group/],
    [{ type: 'object', $async: true }, /asynchronous/],
    [{ type: 'object', properties: { ['__proto__']: { type: 'string' } } }, /__proto__/],
  ])('refuses the schema %j', (schema, message) => {
    // JSON.parse makes `__proto__` an own key, as a GraphQL variable would.
    const input = JSON.parse(JSON.stringify(schema)) as unknown;
    expect(() => compileParameters(input)).toThrow(message);
  });

  test('hostile values: __proto__ keys, deep nesting and huge strings are refused before the schema is asked', () => {
    const compiled = compileParameters({ type: 'object' });
    expect(problemOf(() => compiled.validate(JSON.parse('{"__proto__": {"polluted": true}}')))).toMatchObject({ path: '__proto__' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    let deep: unknown = 'x';
    for (let depth = 0; depth < 100; depth += 1) deep = { a: deep };
    expect(problemOf(() => compiled.validate(deep))).toMatchObject({ reason: expect.stringContaining('nested more than') });
    expect(problemOf(() => compiled.validate({ big: 'x'.repeat(100_000) }))).toMatchObject({ reason: expect.stringContaining('larger than') });
    expect(problemOf(() => compiled.validate({ list: Array.from({ length: 20_000 }, () => 1) }))).toMatchObject({ reason: expect.stringContaining('too large') });
  });

  test('the caching compiler compiles a schema once', () => {
    let compiled = 0;
    const compile = cachingCompiler(2, (schema) => {
      compiled += 1;
      return compileParameters(schema);
    });
    compile(SCHEMA);
    compile(JSON.parse(JSON.stringify(SCHEMA)) as unknown);
    expect(compiled).toBe(1);
    compile({ type: 'object' });
    compile({ type: 'object', properties: {} });
    compile(SCHEMA);
    expect(compiled).toBe(4);
  });
});

describe('patterns in parameter schemas', () => {
  test.each(['^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', '^\\d+(\\.\\d+)?$', '^(https?|ftp)://', '^[a-z]{1,10}$', '(?<year>\\d{4})-\\d{2}', '^\\p{L}+$'])('%s is accepted', (pattern) => {
    expect(regexProblem(pattern)).toBeNull();
  });

  test.each(['(a+)+$', '(a*)*', '(a|aa)+', '((ab)*c)+', '(a{2,})+', '(\\w+\\s?)*$', '(a)\\1', '\\k<x>(?<x>a)', '[', 'x'.repeat(300)])('%s is refused', (pattern) => {
    expect(regexProblem(pattern)).not.toBeNull();
  });
});
