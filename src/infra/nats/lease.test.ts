import { randomBytes } from 'node:crypto';
import { NATS_URL } from '../../../test/support/services.js';
import { createLocalLeases, createNatsLeases, type Lease, type Leases } from './lease.js';

function change(lease: Lease, held: boolean): Promise<void> {
  return new Promise((resolve) => {
    if (lease.isHeld() === held) return resolve();
    const stop = lease.onChange((now) => {
      if (now !== held) return;
      stop();
      resolve();
    });
  });
}

describe('leases in the NATS KV bucket', () => {
  const opened: Leases[] = [];
  const open = async (now?: () => number) => {
    const leases = await createNatsLeases({ url: NATS_URL, ...(now === undefined ? {} : { now }) });
    opened.push(leases);
    return leases;
  };
  afterAll(async () => {
    await Promise.all(opened.map((leases) => leases.close()));
  });

  test('one of two replicas holds a key; the other takes over when it is released', async () => {
    const key = `test.${randomBytes(6).toString('hex')}`;
    const [one, two] = [(await open()).acquire(key, 600), (await open()).acquire(key, 600)];
    await Promise.race([change(one, true), change(two, true)]);
    expect(Number(one.isHeld()) + Number(two.isHeld())).toBe(1);
    const [holder, other] = one.isHeld() ? [one, two] : [two, one];
    await holder.release();
    expect(holder.isHeld()).toBe(false);
    await change(other, true);
    expect(other.isHeld()).toBe(true);
  });

  test('a holder that stops renewing (a crashed replica) loses the key once it lapses', async () => {
    const key = `test.${randomBytes(6).toString('hex')}`;
    // The first replica's clock runs an hour behind: everything it writes has lapsed for the second.
    const stale = (await open(() => Date.now() - 3_600_000)).acquire(key, 3000);
    await change(stale, true);
    const fresh = (await open()).acquire(key, 3000);
    await change(fresh, true);
    await change(stale, false);
  });

  test('refuses bad keys and TTLs; the local leases hold everything', () => {
    const local = createLocalLeases();
    expect(local.acquire('metrics.c1', 1000).isHeld()).toBe(true);
    expect(() => local.acquire('metrics.*', 1000)).toThrow('not a valid lease key');
    expect(() => local.acquire('metrics.c1', 0)).toThrow('TTL');
  });
});
