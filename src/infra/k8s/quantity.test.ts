import { parseQuantity, toBytes, toCores, toCount } from './quantity.js';

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['0.25', 0.25],
    ['.5', 0.5],
    ['16314372Ki', 16314372 * 1024],
    ['1Gi', 1024 ** 3],
    ['1.5Mi', 1.5 * 1024 ** 2],
    ['1G', 1e9],
    ['1k', 1000],
    ['1e3', 1000],
    ['1E3', 1000],
    ['2e-3', 0.002],
    ['1E', 1e18],
    ['100n', 1e-7],
    ['250u', 0.00025],
    ['110', 110],
    [4, 4],
  ])('parses %p', (input, expected) => {
    expect(parseQuantity(input)).toBeCloseTo(expected, 12);
  });

  it.each(['', 'abc', '1Xi', '1 Gi', undefined, null, {}, Number.NaN])('rejects %p', (input) => {
    expect(parseQuantity(input)).toBeUndefined();
  });

  it('converts to cores, whole bytes and counts with 0 for absent values', () => {
    expect(toCores('100m')).toBe(0.1);
    expect(toCores(undefined)).toBe(0);
    expect(toBytes('1.5')).toBe(2);
    expect(toBytes('128974848')).toBe(128974848);
    expect(toBytes('garbage')).toBe(0);
    expect(toCount('110')).toBe(110);
  });
});
