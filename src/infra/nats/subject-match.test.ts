import { assertPublishable, assertSubscribable, InvalidSubjectError, parseLiteralSubject, parseSubjectPattern, patternIsWithin, subjectMatches } from './subject-match.js';

describe('subjectMatches', () => {
  test.each([
    ['kda.v1.c1.pods.web', 'kda.v1.c1.pods.web', true],
    ['kda.v1.c1.pods.web', 'kda.v1.c1.pods.db', false],
    ['kda.v1.*.pods.web', 'kda.v1.c1.pods.web', true],
    ['kda.v1.c1.pods.*', 'kda.v1.c1.pods.web', true],
    ['kda.v1.c1.pods.*', 'kda.v1.c1.pods', false],
    ['kda.v1.c1.pods.*', 'kda.v1.c1.pods.web.extra', false],
    ['kda.v1.c1.>', 'kda.v1.c1.pods.web', true],
    ['kda.v1.c1.>', 'kda.v1.c1.pods', true],
    ['kda.v1.c1.>', 'kda.v1.c1', false],
    ['kda.v1.*.metrics.>', 'kda.v1.c1.metrics.pods.web', true],
    ['kda.v1.*.metrics.>', 'kda.v1.c1.pods.web', false],
    ['>', 'anything.at.all', true],
    ['*', 'one', true],
    ['*', 'one.two', false],
    ['kda.v1', 'kda.v1.c1', false],
  ])('%s matches %s: %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });
});

describe('subject syntax', () => {
  test.each(['', 'a..b', '.a', 'a.', 'a.*', 'a.>', 'a b', 'a.b*'])('publish subject %j is refused', (subject) => {
    expect(() => parseLiteralSubject(subject)).toThrow(InvalidSubjectError);
  });

  test.each(['', 'a..b', 'a.>.b', '>.a', 'a.b*', 'a.>b'])('pattern %j is refused', (pattern) => {
    expect(() => parseSubjectPattern(pattern)).toThrow(InvalidSubjectError);
  });

  test('patterns keep their wildcard tokens', () => {
    expect(parseSubjectPattern('kda.v1.*.pods.>')).toEqual(['kda', 'v1', '*', 'pods', '>']);
  });
});

describe('patternIsWithin', () => {
  test.each([
    ['kda.v1.c1.pods.web', 'kda.v1.>', true],
    ['kda.v1.*.pods.*', 'kda.v1.>', true],
    ['kda.v1.>', 'kda.v1.>', true],
    ['kda.v1', 'kda.v1.>', false],
    ['kda.>', 'kda.v1.>', false],
    ['kda.*.c1', 'kda.v1.>', false],
    ['>', 'kda.v1.>', false],
    ['kda.v1.c1', 'kda.*.c1', true],
    ['kda.*.c1', 'kda.v1.c1', false],
    ['kda.v1.c1.x', 'kda.*.c1', false],
  ])('%s within %s: %s', (inner, outer, expected) => {
    expect(patternIsWithin(inner, outer)).toBe(expected);
  });

  test('scope assertions name the scope', () => {
    expect(() => assertPublishable('other.x', 'kda.v1.>')).toThrow(/outside the bus scope kda\.v1\.>/);
    expect(() => assertSubscribable('kda.*', 'kda.v1.>')).toThrow(/outside the bus scope/);
    expect(assertPublishable('kda.v1.c.pods._', 'kda.v1.>')).toEqual(['kda', 'v1', 'c', 'pods', '_']);
  });
});
