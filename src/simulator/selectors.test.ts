import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.js';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', version: '3' };
  const matches = (selector: string) => parseLabelSelector(selector).matches(labels);

  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (db, web)', true],
    ['app in (db)', false],
    ['app notin (db,cache)', true],
    ['missing notin (x)', true],
    ['tier', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['version>2', true],
    ['version<3', false],
    ['app=web,tier in (front,back),!missing', true],
    ['app=web,tier=back', false],
    ['app=', false],
  ])('%j matches: %s', (selector, expected) => {
    expect(matches(selector)).toBe(expected);
  });

  it('rejects malformed selectors', () => {
    expect(() => parseLabelSelector('app in web')).toThrow(SelectorError);
    expect(() => parseLabelSelector('a b c')).toThrow(SelectorError);
  });
});

describe('field selectors', () => {
  const supported = new Set(['metadata.name', 'status.phase']);
  const fields = { 'metadata.name': 'web-0', 'status.phase': 'Running' };

  it('supports =, == and != on declared fields', () => {
    expect(parseFieldSelector('metadata.name=web-0', supported).matches(fields)).toBe(true);
    expect(parseFieldSelector('status.phase==Pending', supported).matches(fields)).toBe(false);
    expect(parseFieldSelector('status.phase!=Pending,metadata.name=web-0', supported).matches(fields)).toBe(true);
  });

  it('rejects fields the resource does not declare', () => {
    expect(() => parseFieldSelector('spec.bogus=1', supported)).toThrow('field label not supported: spec.bogus');
  });
});
