import { compareKeys } from '../../shared/pagination.js';
import { parseSemver, semverKey } from './semver.js';

describe('semantic versions', () => {
  test.each(['1.0.0', '0.1.2', '10.20.30', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-0.3.7', '1.0.0-x.7.z.92', '1.0.0+20130313144700', '1.0.0-beta+exp.sha.5114f85'])(
    '%s parses',
    (text) => {
      expect(parseSemver(text)).not.toBeNull();
    },
  );

  test.each(['1', '1.0', 'v1.0.0', '01.0.0', '1.0.0-01', '1.0.0-', '1.0.0+', '1.0.0 ', '', `1.0.0-${'a'.repeat(80)}`, '99999999999999999999.0.0'])('%j does not', (text) => {
    expect(parseSemver(text)).toBeNull();
  });

  test('the key sorts by precedence, as semver.org lists it', () => {
    const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.2.0', '1.10.0', '2.0.0'];
    const shuffled = [...ordered].reverse();
    shuffled.sort((a, b) => compareKeys(semverKey(parseSemver(a)!), semverKey(parseSemver(b)!)));
    expect(shuffled).toEqual(ordered);
  });

  test('build metadata only breaks ties', () => {
    const key = (text: string) => semverKey(parseSemver(text)!);
    expect(compareKeys(key('1.0.0+b'), key('1.0.0+a'))).toBeGreaterThan(0);
    expect(compareKeys(key('1.0.0+zzz'), key('1.0.1'))).toBeLessThan(0);
  });
});
