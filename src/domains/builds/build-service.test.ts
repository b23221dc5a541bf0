import { DomainError } from '../../shared/errors.js';
import { silentLogger } from '../../shared/logger.js';
import { BuildService, type CreateBuildInput } from './build-service.js';
import { idleBuildJobs, memoryBuildStores, memoryRegistryStore, tableGate } from './memory-stores.test-support.js';
import type { BuildEventSource, BuildPermission, BuildRunUpdateEvent, PrincipalLike, RegistryApi } from './ports.js';
import { RegistryService } from './registry-service.js';
import { RunFollowers } from './run-follower.js';

const READ: BuildPermission[] = ['build:read'];
const RUN: BuildPermission[] = ['build:read', 'build:run'];
/** What each workspace role holds (the workspaces domain's matrix, see permissions.test.ts), by a user named after it. */
const GATE = tableGate({
  workspaces: ['w1', 'w2'],
  admins: ['root'],
  grants: { manager: { w1: RUN }, devops: { w1: RUN }, operator: { w1: READ }, viewer: { w1: READ }, outsider: { w2: RUN } },
  allotted: ['w1/c1', 'w2/c1'],
});
const as = (userId: string): PrincipalLike => ({ userId, systemRole: 'USER' });
const ADMIN = as('root');

function setup() {
  const stores = memoryBuildStores();
  const registryStore = memoryRegistryStore([
    { id: 'r1', name: 'platform', url: 'http://registry.local:5000', kind: 'BUILTIN', username: null, sealedPassword: null, createdAt: new Date(0) },
  ]);
  const jobs = idleBuildJobs();
  const updates: BuildRunUpdateEvent[] = [];
  const publisher = { logEvent: async () => undefined, runUpdate: async (event: BuildRunUpdateEvent) => void updates.push(event) };
  const unused = () => {
    throw new Error('not used here');
  };
  const registries = new RegistryService({
    store: registryStore,
    api: { check: unused, repositories: unused, tags: unused, manifest: unused } satisfies RegistryApi,
    sealer: { seal: (text) => text, open: (text) => text },
    gate: GATE,
    now: () => new Date(0),
  });
  const followers = new RunFollowers({ jobs, runs: stores.runs, logs: stores.logs, events: publisher, imageOf: async () => null, logger: silentLogger, now: () => new Date(0) });
  const noEvents = (async () => ({ [Symbol.asyncIterator]: unused, next: unused })) as unknown as BuildEventSource['logEvents'];
  const service = new BuildService({
    ...stores,
    registryStore,
    registries,
    gate: GATE,
    sources: { check: async () => undefined },
    jobs,
    followers,
    publisher,
    events: { logEvents: noEvents, runUpdates: noEvents as unknown as BuildEventSource['runUpdates'] },
    now: () => new Date(0),
  });
  return { service, stores, registryStore, jobs, followers, updates };
}

const definition = (name: string, overrides: Partial<CreateBuildInput> = {}): CreateBuildInput => ({
  workspaceId: 'w1',
  name,
  sourceUrl: 'git@git.example:team/app.git',
  ref: 'main',
  preset: 'NODEJS',
  imageRepository: 'team-w1/app',
  registryId: 'r1',
  clusterId: 'c1',
  ...overrides,
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'OK';
}

let followers: RunFollowers | undefined;
afterEach(async () => {
  await followers?.stopAll();
});

async function ready() {
  const context = setup();
  followers = context.followers;
  await context.registryStore.allot('w1', 'r1', 'team-w1');
  await context.registryStore.allot('w2', 'r1', 'team-w2');
  const build = await context.service.create(as('devops'), definition('app'));
  return { ...context, build };
}

describe('BuildService: who may do what', () => {
  test.each([
    ['manager', 'OK'],
    ['devops', 'OK'],
    ['operator', 'FORBIDDEN'],
    ['viewer', 'FORBIDDEN'],
    ['outsider', 'NOT_FOUND'],
    ['root', 'OK'],
  ])('%s defining a build: %s, and a refusal stores nothing', async (userId, expected) => {
    const { service } = await ready();
    expect(await codeOf(service.create(as(userId), definition(`by-${userId}`)))).toBe(expected);
    expect((await service.list(ADMIN, 'w1')).map((build) => build.name)).toEqual(expected === 'OK' ? ['app', `by-${userId}`] : ['app']);
  });

  test.each([
    ['manager', 'OK'],
    ['devops', 'OK'],
    ['operator', 'FORBIDDEN'],
    ['viewer', 'FORBIDDEN'],
    ['outsider', 'NOT_FOUND'],
  ])('%s running a build: %s, and a refusal starts no Job', async (userId, expected) => {
    const { service, build, jobs } = await ready();
    expect(await codeOf(service.run(as(userId), build.id))).toBe(expected);
    expect(jobs.created).toHaveLength(expected === 'OK' ? 1 : 0);
  });

  test.each([
    ['manager', 'OK'],
    ['devops', 'OK'],
    ['operator', 'OK'],
    ['viewer', 'OK'],
    ['outsider', 'NOT_FOUND'],
  ])('%s reading a build, its runs and the list: %s', async (userId, expected) => {
    const { service, build } = await ready();
    const run = await service.run(as('devops'), build.id);
    expect([await codeOf(service.get(as(userId), build.id)), await codeOf(service.getRun(as(userId), run.id)), await codeOf(service.list(as(userId), 'w1'))]).toEqual([
      expected,
      expected,
      expected,
    ]);
    const many = await service.listForWorkspaces(as(userId), ['w1']);
    expect(many.get('w1') instanceof DomainError).toBe(expected !== 'OK');
  });

  test.each([
    ['manager', 'OK'],
    ['devops', 'OK'],
    ['operator', 'FORBIDDEN'],
    ['viewer', 'FORBIDDEN'],
    ['outsider', 'NOT_FOUND'],
  ])('%s cancelling a run: %s, and a refusal leaves the Job running', async (userId, expected) => {
    const { service, build, jobs } = await ready();
    const run = await service.run(as('devops'), build.id);
    expect(await codeOf(service.cancel(as(userId), run.id))).toBe(expected);
    expect(jobs.deleted).toEqual(expected === 'OK' ? [run.jobName] : []);
    expect((await service.getRun(ADMIN, run.id)).status).toBe(expected === 'OK' ? 'CANCELLED' : 'PENDING');
  });

  test("another workspace's builds look exactly like missing ones, for every id of theirs", async () => {
    const { service, build } = await ready();
    const run = await service.run(as('devops'), build.id);
    expect(
      await Promise.all(
        [service.get(as('outsider'), build.id), service.getRun(as('outsider'), run.id), service.run(as('outsider'), build.id), service.cancel(as('outsider'), run.id)].map(codeOf),
      ),
    ).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
    expect(await Promise.all([service.get(ADMIN, 'no-such-build'), service.getRun(ADMIN, 'no-such-run'), service.list(ADMIN, 'no-such-workspace')].map(codeOf))).toEqual([
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
    ]);
    // Listed among several workspaces, the foreign one is an error of its own, the others answer.
    const many = await service.listForWorkspaces(as('outsider'), ['w1', 'w2']);
    expect(many.get('w1')).toBeInstanceOf(DomainError);
    expect(many.get('w2')).toEqual([]);
  });

  test('a build needs the cluster and the registry allotted to its workspace', async () => {
    const { service } = await ready();
    expect(await codeOf(service.create(as('devops'), definition('elsewhere', { clusterId: 'c2' })))).toBe('BAD_USER_INPUT');
    expect(await codeOf(service.create(as('devops'), definition('no-registry', { registryId: 'r2' })))).toBe('NOT_FOUND');
    expect(await codeOf(service.create(as('devops'), definition('app')))).toBe('CONFLICT');
  });

  test("a build pushes under its workspace's project of the registry only, and runs in its workspace's build namespace", async () => {
    const { service, build, jobs } = await ready();
    for (const imageRepository of ['team-w2/app', 'team-w1', 'team-w1x/app', 'other/team-w1/app']) {
      const refused = await service.create(as('devops'), definition('elsewhere', { imageRepository })).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect({ imageRepository, refused }).toMatchObject({ imageRepository, refused: { code: 'BAD_USER_INPUT', details: { field: 'imageRepository' } } });
    }
    expect((await service.list(ADMIN, 'w1')).map((record) => record.name)).toEqual(['app']);
    const run = await service.run(as('devops'), build.id);
    expect(run.namespace).toBe('kda-builds-team-w1');
    expect(jobs.created.map((spec) => spec.namespace)).toEqual(['kda-builds-team-w1']);
  });
});
