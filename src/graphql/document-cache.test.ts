import { buildSchema, specifiedRules } from 'graphql';
import { CheckedDocuments } from './document-cache.js';

const schema = buildSchema('type Query { hello: String } type Subscription { ticks: Int }');

describe('checked documents', () => {
  test('the same text is parsed and validated once', () => {
    const documents = new CheckedDocuments(schema, specifiedRules);
    const first = documents.check('subscription { ticks }');
    expect('document' in first).toBe(true);
    expect(documents.check('subscription { ticks }')).toBe(first);
  });

  test('invalid and unparsable texts answer their errors, every time', () => {
    const documents = new CheckedDocuments(schema, specifiedRules);
    for (let attempt = 0; attempt < 2; attempt++) {
      const invalid = documents.check('subscription { nope }');
      expect('errors' in invalid && invalid.errors.map((error) => [error.message, error.extensions.code])).toEqual([
        ['Cannot query field "nope" on type "Subscription".', 'GRAPHQL_VALIDATION_FAILED'],
      ]);
      const unparsable = documents.check('subscription {');
      expect('errors' in unparsable && unparsable.errors[0]?.message).toMatch(/^Syntax Error/);
    }
  });

  test('bounded: the oldest entry goes first, and long texts are not kept', () => {
    const documents = new CheckedDocuments(schema, specifiedRules, 2);
    const first = documents.check('{ hello }');
    documents.check('{ a: hello }');
    documents.check('{ b: hello }');
    expect(documents.check('{ hello }')).not.toBe(first);
    const long = `{ hello ${' '.repeat(20_000)} }`;
    expect(documents.check(long)).not.toBe(documents.check(long));
  });
});
