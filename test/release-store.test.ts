/**
 * The release store on both databases the gateway runs on: MariaDB and the embedded SQLite file,
 * through the same migrations. The lock, the revision bookkeeping and the rollout status are
 * conditional writes; these prove the conditions hold on each.
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { ReleaseRecord, RevisionRecord } from '../src/domains/catalog/releases/records.js';
import { openDatabase } from '../src/infra/db/data-source.js';
import { createReleaseStore } from '../src/infra/db/release-stores.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

const WORKSPACE = '11111111-1111-4111-8111-111111111111';
const actor = { id: 'bootstrap-admin', userId: null, name: 'admin' };
const at = (second: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, second));

function release(id: string, revision = 1): ReleaseRecord {
  return {
    id,
    workspaceId: WORKSPACE,
    clusterId: 'cluster-1',
    namespace: 'shop',
    appMapName: 'shop-web',
    stage: 'DEV',
    packageId: 'package-1',
    packageName: 'web',
    packageVersionId: `version-${revision}`,
    version: `1.${revision}.0`,
    revision,
    status: 'DEPLOYING',
    statusMessage: null,
    createdNamespace: true,
    redeployedFrom: null,
    sourceRemoval: null,
    createdBy: actor,
    createdAt: at(0),
    updatedAt: at(revision),
  };
}

function revision(releaseId: string, number: number): RevisionRecord {
  return {
    releaseId,
    revision: number,
    action: number === 1 ? 'INSTALL' : 'UPGRADE',
    rolledBackFrom: null,
    packageVersionId: `version-${number}`,
    version: `1.${number}.0`,
    values: { replicas: number, password: 'p4ssword' },
    hiddenValuePaths: ['password'],
    manifests: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web', namespace: 'shop' }, stringData: { greeting: 'héllo' } }],
    inventory: [{ apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'web', uid: `uid-${number}` }],
    diff: `+revision ${number}\n`,
    status: 'DEPLOYING',
    statusMessage: null,
    createdBy: actor,
    createdAt: at(number),
  };
}

async function exercise(dataSource: DataSource): Promise<void> {
  await dataSource.getRepository('Workspace').insert({ id: WORKSPACE, name: 'Shop', slug: 'shop', description: null, createdAt: at(0), updatedAt: at(0) });
  const store = createReleaseStore(dataSource);
  await store.insert(release('r1'), revision('r1', 1));
  expect(await store.findById('r1')).toEqual(release('r1'));
  expect(await store.revision('r1', 1)).toEqual(revision('r1', 1));

  // One operation at a time: a second lock is refused until the first is released or lapses.
  expect(await store.lock('r1', 'first', at(10), at(0))).toBe(true);
  expect(await store.lock('r1', 'second', at(11), at(1))).toBe(false);
  // A lock older than the bound belongs to a replica that died: it is taken over.
  expect(await store.lock('r1', 'second', at(12), at(11))).toBe(true);
  // The first holder lost it: its revision is not written.
  expect(await store.addRevision({ release: release('r1', 2), revision: revision('r1', 2) }, 'first', 20)).toBe(false);
  expect((await store.findById('r1'))?.revision).toBe(1);
  expect(await store.addRevision({ release: release('r1', 2), revision: revision('r1', 2) }, 'second', 20)).toBe(true);
  // Writing the revision released the lock.
  expect(await store.lock('r1', 'third', at(13), at(0))).toBe(true);
  await store.unlock('r1', 'third');

  const history = (await store.revisionsOf(['r1'])).get('r1') ?? [];
  expect(history.map((entry) => [entry.revision, entry.status])).toEqual([
    [2, 'DEPLOYING'],
    [1, 'SUPERSEDED'],
  ]);

  // The rollout's status is written while the revision is current and still DEPLOYING, once.
  expect(await store.setRolloutStatus('r1', 1, 'DEPLOYED', null, at(20))).toBe(false);
  expect(await store.setRolloutStatus('r1', 2, 'FAILED', 'Deployment web: timed out', at(20))).toBe(true);
  expect(await store.setRolloutStatus('r1', 2, 'DEPLOYED', null, at(21))).toBe(false);
  expect(await store.findById('r1')).toMatchObject({ status: 'FAILED', statusMessage: 'Deployment web: timed out' });
  expect(await store.revision('r1', 2)).toMatchObject({ status: 'FAILED', statusMessage: 'Deployment web: timed out' });

  // History is bounded: beyond `keep`, the oldest revisions go.
  for (const number of [3, 4]) {
    expect(await store.lock('r1', `lock-${number}`, at(30 + number), at(0))).toBe(true);
    expect(await store.addRevision({ release: release('r1', number), revision: revision('r1', number) }, `lock-${number}`, 2)).toBe(true);
  }
  expect(((await store.revisionsOf(['r1'])).get('r1') ?? []).map((entry) => entry.revision)).toEqual([4, 3]);
  expect(await store.revision('r1', 2)).toBeNull();
  expect(await store.listDeploying()).toEqual([expect.objectContaining({ id: 'r1', revision: 4 })]);

  expect(await store.lock('r1', 'uninstall', at(40), at(0))).toBe(true);
  expect(await store.markUninstalled('r1', 4, 'left alone: Service shop/web', 'someone-else', at(41))).toBe(false);
  expect(await store.markUninstalled('r1', 4, 'left alone: Service shop/web', 'uninstall', at(41))).toBe(true);
  expect(await store.findById('r1')).toMatchObject({ status: 'UNINSTALLED', statusMessage: 'left alone: Service shop/web' });
  expect(await store.list({ workspaceIds: [WORKSPACE] })).toEqual([]);
  expect((await store.list({ workspaceIds: 'ALL', includeUninstalled: true })).map((entry) => entry.id)).toEqual(['r1']);

  // A redeployed copy that turned healthy before a restart: its source's removal is found again, and settled once.
  await store.insert({ ...release('r2'), redeployedFrom: 'r1', sourceRemoval: 'PENDING' }, revision('r2', 1));
  expect(await store.listPendingSourceRemovals()).toEqual([]);
  expect(await store.setRolloutStatus('r2', 1, 'DEPLOYED', null, at(50))).toBe(true);
  expect(await store.listPendingSourceRemovals()).toEqual([expect.objectContaining({ id: 'r2', redeployedFrom: 'r1', sourceRemoval: 'PENDING' })]);
  expect(await store.finishSourceRemoval('r2', 'REMOVED', null, at(51))).toBe(true);
  expect(await store.finishSourceRemoval('r2', 'KEPT', 'too late', at(52))).toBe(false);
  expect(await store.findById('r2')).toMatchObject({ status: 'DEPLOYED', sourceRemoval: 'REMOVED', statusMessage: null });
  expect(await store.listPendingSourceRemovals()).toEqual([]);
}

describe('the release store', () => {
  let database: TestDatabase;
  let folder: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    folder = await mkdtemp(path.join(tmpdir(), 'kda-release-store-'));
  });

  afterAll(async () => {
    await database?.drop();
    await rm(folder, { recursive: true, force: true });
  });

  test('on MariaDB', async () => {
    const dataSource = await openDatabase({ kind: 'mysql', url: database.url });
    try {
      await exercise(dataSource);
    } finally {
      await dataSource.destroy();
    }
  });

  test('on the embedded database (SQLite)', async () => {
    const dataSource = await openDatabase({ kind: 'embedded', file: path.join(folder, 'kda.sqlite') });
    try {
      await exercise(dataSource);
    } finally {
      await dataSource.destroy();
    }
  });
});
