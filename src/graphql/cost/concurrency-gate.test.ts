import { ConcurrencyGate } from './concurrency-gate.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('turns per caller', () => {
  test('a caller runs at most maxActive operations; the next waits and starts when one leaves', async () => {
    const gate = new ConcurrencyGate({ maxActive: 2, maxActiveCost: 100, maxWaiting: 5 });
    const first = await gate.enter('a', 1);
    await gate.enter('a', 1);
    let third = false;
    const waiting = gate.enter('a', 1).then((leave) => ((third = true), leave));
    await settle();
    expect(third).toBe(false);
    first();
    first(); // a second call gives back nothing more
    await waiting;
    expect(third).toBe(true);
  });

  test('heavy operations of one caller run one at a time; light ones beside each other', async () => {
    const gate = new ConcurrencyGate({ maxActive: 4, maxActiveCost: 100, maxWaiting: 5 });
    const heavy = await gate.enter('a', 90);
    let second = false;
    const next = gate.enter('a', 90).then((leave) => ((second = true), leave));
    // First come, first served: a light one behind the waiting heavy one waits too.
    let light = false;
    const behind = gate.enter('a', 5).then((leave) => ((light = true), leave));
    await settle();
    expect([second, light]).toEqual([false, false]);
    heavy();
    await Promise.all([next, behind]);
    expect([second, light]).toEqual([true, true]);
    // Another caller was never held up.
    expect(typeof (await gate.enter('b', 100))).toBe('function');
  });

  test('one operation above the cost budget still runs, alone', async () => {
    const gate = new ConcurrencyGate({ maxActive: 4, maxActiveCost: 100, maxWaiting: 5 });
    const leave = await gate.enter('a', 500);
    leave();
  });

  test('beyond maxWaiting the caller is refused with RATE_LIMITED (429)', async () => {
    const gate = new ConcurrencyGate({ maxActive: 1, maxActiveCost: 100, maxWaiting: 1 });
    await gate.enter('a', 1);
    void gate.enter('a', 1);
    await expect(gate.enter('a', 1)).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED', http: { status: 429 } } });
  });
});
