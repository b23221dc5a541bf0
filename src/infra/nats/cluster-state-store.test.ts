import { randomBytes } from 'node:crypto';
import { NATS_URL } from '../../../test/support/services.js';
import { waitFor } from '../../../test/support/wait.js';
import { MirrorView } from '../k8s/mirror-view.js';
import type { ClusterConnectionStatus } from '../k8s/cluster-status.js';
import { createNatsClusterStateStore } from './cluster-state-store.js';

const pod = (name: string, resourceVersion: string) => ({
  uid: `uid-${name}`,
  name,
  namespace: 'shop',
  resourceVersion,
  labels: { app: 'web' },
});

describe('the cluster mirror in the kda_cluster_state bucket', () => {
  const closes: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closes.reverse()) await close();
  });

  test('a follower sees what the holder wrote, then its changes; the seed keeps resume points of the same connection only', async () => {
    const store = await createNatsClusterStateStore({ url: NATS_URL });
    closes.push(() => store.close());
    const clusterId = `mirror-${randomBytes(6).toString('hex')}`;
    const writer = store.writer(clusterId);
    await writer.putObject('pods', 'shop/a', pod('a', '10'));
    await writer.putObject('pods', 'shop/b', pod('b', '11'));
    await writer.putResumePoint('pods', { resourceVersion: '11', connection: 'first' });
    await writer.putResumePoint('nodes', { resourceVersion: '9', connection: 'other' });
    await writer.putStatus({ state: 'RUNNING' });

    const statuses: ClusterConnectionStatus[] = [];
    const view = new MirrorView(clusterId, store, (status) => statuses.push(status));
    closes.push(() => view.stop());
    await view.start();
    expect(await view.whenInitialized(5_000)).toBe(true);
    expect(
      view
        .pods('shop')
        .map((item) => item.name)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(view.status().state).toBe('RUNNING');
    const seed = view.seed('first');
    expect(seed.resumeFrom).toEqual({ pods: '11' });
    expect(seed.objects.pods?.map((item) => item.name).sort()).toEqual(['a', 'b']);

    // Changes after the start: a modification, a deletion, a prune after a list, a status.
    await writer.putObject('pods', 'shop/a', pod('a', '12'));
    await writer.deleteObject('pods', 'shop/b');
    await writer.putObject('pods', 'shop/c', pod('c', '13'));
    await writer.putObject('pods', 'shop/d', pod('d', '14'));
    await writer.prune('pods', new Set(['shop/a', 'shop/c']));
    await writer.putStatus({ state: 'DEGRADED', reason: 'pods: forbidden' });
    await waitFor(
      'the changes in the view',
      () =>
        view
          .pods()
          .map((item) => `${item.name}@${item.resourceVersion}`)
          .sort()
          .join() === 'a@12,c@13' && view.status().state === 'DEGRADED',
    );
    expect(statuses.map((status) => status.state)).toEqual(['RUNNING', 'DEGRADED']);

    // Removed: nothing of the cluster is left.
    await writer.purge();
    const late = new MirrorView(clusterId, store, () => undefined);
    closes.push(() => late.stop());
    await late.start();
    expect(await late.whenInitialized(5_000)).toBe(true);
    expect(late.pods()).toEqual([]);
    expect(late.status().state).toBe('CONNECTING');
    expect(late.seed('first').resumeFrom).toEqual({});
  });
});
