import { compileLabelSelector, LabelSelectorSyntaxError } from './label-selector.js';

describe('label selectors', () => {
  const web = { app: 'web', tier: 'front', env: 'prod' };
  const db = { app: 'db', env: 'stage' };

  test.each([
    ['app=web', true, false],
    ['app==web', true, false],
    ['app!=web', false, true],
    ['env in (prod, stage)', true, true],
    ['env notin (prod)', false, true],
    ['tier', true, false],
    ['!tier', false, true],
    ['app=web,env in (prod),tier', true, false],
    ['', true, true],
  ])('%s', (selector, matchesWeb, matchesDb) => {
    const matches = compileLabelSelector(selector);
    expect(matches(web)).toBe(matchesWeb);
    expect(matches(db)).toBe(matchesDb);
  });

  test('an empty value selects labels set to ""', () => {
    expect(compileLabelSelector('app=')({ app: '' })).toBe(true);
    expect(compileLabelSelector('app=')(web)).toBe(false);
  });

  test.each(['app=web,', '=web', 'app in (a b)', 'app=we b', 'Ap p'])('rejects %j', (selector) => {
    expect(() => compileLabelSelector(selector)).toThrow(LabelSelectorSyntaxError);
  });
});

describe('numeric label comparisons', () => {
  test.each([
    ['version>2', { version: '3' }, true],
    ['version>2', { version: '2' }, false],
    ['version<3', { version: '2' }, true],
    ['version<3', { version: 'x' }, false],
    ['version<3', {}, false],
  ])('%s on %j', (selector, labels, expected) => {
    expect(compileLabelSelector(selector)(labels)).toBe(expected);
  });

  test('rejects a comparison with a bad key', () => {
    expect(() => compileLabelSelector('-bad>1')).toThrow(LabelSelectorSyntaxError);
  });
});
