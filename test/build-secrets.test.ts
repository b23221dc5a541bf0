/**
 * Registry credentials reach build Jobs through a dockerconfigjson Secret owned by the Job, never
 * through the Job spec: a registry behind htpasswd auth, a real build pushing to it, the Secret
 * gone with its Job; and a Job that cannot be created leaves no Secret behind.
 */
import { randomBytes } from 'node:crypto';
import { BatchV1Api, KubeConfig } from '@kubernetes/client-node';
import type { BuildJobSpec } from '../src/domains/builds/ports.js';
import { presetDockerfile } from '../src/domains/builds/preset-dockerfiles.js';
import { createBuildJobs, registrySecretName } from '../src/infra/k8s/build-jobs.js';
import { createRegistryClient } from '../src/infra/registry/registry-client.js';
import { loopbackEgress } from './support/egress.js';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';
import { registerCluster } from './support/cluster.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { nodesOf, type Connection } from './support/connections.js';
import { startTestRegistry, type TestRegistry } from './support/registry.js';
import { waitFor } from './support/wait.js';
import { localKeyOf } from '../src/shared/global-id.js';

const CREATE_WORKSPACE = `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id } } }`;
const ALLOT_CLUSTER = `mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { clusterId } } }`;
const CREATE_REGISTRY = `mutation ($input: CreateRegistryInput!) { createRegistry(input: $input) { registry { id } } }`;
const ALLOT_REGISTRY = `mutation ($workspaceId: ID!, $registryId: ID!) { allotRegistry(input: { workspaceId: $workspaceId, registryId: $registryId }) { registry { id } } }`;
const CREATE_BUILD = `mutation ($input: CreateBuildInput!) { createBuild(input: $input) { build { id } } }`;
const RUN_BUILD = `mutation ($buildId: ID!) { runBuild(input: { buildId: $buildId }) { run { id image } } }`;
const CANCEL = `mutation ($id: ID!) { cancelBuildRun(input: { id: $id }) { run { id status } } }`;
const RUN = `query ($id: ID!) { buildRun(id: $id) { status finishedAt imageDigest log(first: 500) { edges { node { text } } } } }`;
// The workspace's own build namespace (its slug, made from its name).
const NAMESPACE = 'kda-builds-secret-team';

interface Run {
  readonly status: string;
  readonly finishedAt: string | null;
  readonly imageDigest: string | null;
  readonly log: Array<{ text: string }>;
}

function data<T>(response: GraphqlResponse<T>, what: string): T {
  if (response.data === undefined || response.data === null || response.errors !== undefined) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

describe('build registry credentials travel in a Secret, not in the Job', () => {
  let gateway: TestGateway;
  let registry: TestRegistry;
  let simulator: SimulatedCluster;
  let workspaceId: string;
  let registryId: string;
  let clusterId: string;
  let username: string;
  let password: string;

  async function runBuild(name: string): Promise<{ id: string; image: string }> {
    const buildId = data(
      await gateway.request<{ createBuild: { build: { id: string } } }>(CREATE_BUILD, {
        input: { workspaceId, name, sourceUrl: 'git://git.example.com/team/app.git', ref: 'main', preset: 'NODEJS', imageRepository: `secret-team/${name}`, registryId, clusterId },
      }),
      'createBuild',
    ).createBuild.build.id;
    return data(await gateway.request<{ runBuild: { run: { id: string; image: string } } }>(RUN_BUILD, { buildId }), 'runBuild').runBuild.run;
  }

  async function runOf(id: string): Promise<Run> {
    const run = data(await gateway.request<{ buildRun: Omit<Run, 'log'> & { log: Connection<{ text: string }> } }>(RUN, { id }), 'buildRun').buildRun;
    return { ...run, log: nodesOf(run.log) };
  }

  beforeAll(async () => {
    [gateway, registry, simulator] = await Promise.all([
      startTestGateway(),
      startTestRegistry({ auth: true }),
      startSimulatedCluster({ name: `build-secrets-${randomBytes(3).toString('hex')}`, bookmarkIntervalMs: 200, podStartDelayMs: 20, buildLineIntervalMs: 40 }),
    ]);
    if (registry.username === undefined || registry.password === undefined) throw new Error('the test registry has no credentials');
    username = registry.username;
    password = registry.password;
    simulator.addNode({ name: 'builder-1', roles: ['worker'], cpu: 8, memoryBytes: 16 * 2 ** 30, storageBytes: 100 * 2 ** 30, maxPods: 110 });
    clusterId = (await registerCluster(gateway, simulator)).id;
    workspaceId = data(await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(CREATE_WORKSPACE, { input: { name: 'Secret Team' } }), 'createWorkspace')
      .createWorkspace.workspace.id;
    data(await gateway.request(ALLOT_CLUSTER, { input: { workspaceId, clusterId, namespaces: null } }), 'allotCluster');
    registryId = data(
      await gateway.request<{ createRegistry: { registry: { id: string } } }>(CREATE_REGISTRY, {
        input: { name: 'locked', url: registry.url, kind: 'PRIVATE', username, password },
      }),
      'createRegistry',
    ).createRegistry.registry.id;
    data(await gateway.request(ALLOT_REGISTRY, { workspaceId, registryId }), 'allotRegistry');
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([simulator?.close(), registry?.stop()]);
  });

  it('runs a build against a password-protected registry: the password only in the Secret, the image pushed', async () => {
    const run = await runBuild('private-web');
    const jobName = `kda-build-${localKeyOf(run.id, 'BuildRun')}`;
    const job = simulator.getObject('jobs', NAMESPACE, jobName);
    if (job === undefined) throw new Error(`the Job ${jobName} was not created`);
    const secret = simulator.getObject('secrets', NAMESPACE, registrySecretName(jobName));
    if (secret === undefined) throw new Error('the registry Secret was not created');

    // Nothing in the Job (nor its pod) carries the password, plain or encoded.
    const userPass = Buffer.from(`${username}:${password}`).toString('base64');
    const pod = await waitFor('the build pod', () => simulator.listPods(NAMESPACE).find((candidate) => candidate.metadata.labels?.['job-name'] === jobName));
    for (const [what, object] of [
      ['Job', job],
      ['pod', pod],
    ] as const) {
      const serialized = JSON.stringify(object);
      expect({ what, hasPassword: serialized.includes(password) }).toEqual({ what, hasPassword: false });
      expect({ what, hasAuth: serialized.includes(userPass) }).toEqual({ what, hasAuth: false });
      expect({ what, hasSecretData: serialized.includes(secret.data?.['.dockerconfigjson'] ?? '<none>') }).toEqual({ what, hasSecretData: false });
    }
    // kaniko finds the config where it looks for it (beside the source and scratch emptyDirs); the source container never sees it.
    expect(job.spec.template.spec.volumes?.filter((volume) => volume.emptyDir === undefined)).toEqual([
      { name: 'registry-auth', secret: { secretName: registrySecretName(jobName), items: [{ key: '.dockerconfigjson', path: 'config.json' }] } },
    ]);
    expect(job.spec.template.spec.containers[0]?.volumeMounts?.filter((mount) => mount.name === 'registry-auth')).toEqual([
      { name: 'registry-auth', mountPath: '/kaniko/.docker', readOnly: true },
    ]);
    expect(JSON.stringify(job.spec.template.spec.initContainers)).not.toContain('registry-auth');

    // The Secret: the registry host's auth, owned by the Job.
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    const host = new URL(registry.url).host;
    expect(JSON.parse(Buffer.from(secret.data?.['.dockerconfigjson'] ?? '', 'base64').toString())).toEqual({ auths: { [host]: { auth: userPass } } });
    expect(secret.metadata.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'Job', name: jobName, uid: job.metadata.uid, controller: true, blockOwnerDeletion: true }]);

    const finished = await waitFor(`run ${run.id} to finish`, async () => {
      const current = await runOf(run.id);
      return current.finishedAt !== null ? current : undefined;
    });
    expect({ status: finished.status, lastLines: finished.log.slice(-3).map((line) => line.text) }).toMatchObject({ status: 'SUCCEEDED' });
    // The registry refuses anonymous pushes: the image there proves the credentials reached the pusher.
    const credentials = { username, password };
    expect(await createRegistryClient({ egress: loopbackEgress() }).tags(registry.url, credentials, 'secret-team/private-web')).toEqual(['run-1']);
    const manifest = await createRegistryClient({ egress: loopbackEgress() }).manifest(registry.url, credentials, 'secret-team/private-web', 'run-1');
    expect(finished.imageDigest).toBe(manifest?.digest);
  });

  it('a cancelled run: its Job goes, and its Secret with it', async () => {
    const run = await runBuild('private-slow');
    const jobName = `kda-build-${localKeyOf(run.id, 'BuildRun')}`;
    expect(simulator.getObject('secrets', NAMESPACE, registrySecretName(jobName))).toBeDefined();
    await waitFor('the build to log', async () => ((await runOf(run.id)).log.length >= 2 ? true : undefined));
    expect(data(await gateway.request<{ cancelBuildRun: { run: { status: string } } }>(CANCEL, { id: run.id }), 'cancelBuildRun').cancelBuildRun.run.status).toBe('CANCELLED');
    await waitFor('the Job to be deleted', () => simulator.getObject('jobs', NAMESPACE, jobName) === undefined);
    await waitFor('the Secret to be deleted', () => simulator.getObject('secrets', NAMESPACE, registrySecretName(jobName)) === undefined);
  });

  it('a build pod whose source container cannot start ends the run, saying why', async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(simulator.kubeconfig());
    const jobName = `kda-build-stuck-${randomBytes(3).toString('hex')}`;
    // As a build Job whose source container reads a Secret that is gone: the kubelet would wait for it forever.
    await kubeConfig.makeApiClient(BatchV1Api).createNamespacedJob({
      namespace: NAMESPACE,
      body: {
        metadata: { name: jobName },
        spec: {
          backoffLimit: 0,
          template: {
            spec: {
              restartPolicy: 'Never',
              initContainers: [{ name: 'source', image: 'alpine/git:2.45.2', env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'gone', key: 'token' } } }] }],
              containers: [{ name: 'builder', image: 'gcr.io/kaniko-project/executor:v1.23.2-debug' }],
            },
          },
        },
      },
    });
    const lines: string[] = [];
    const jobs = createBuildJobs({ kubeConfigOf: () => kubeConfig });
    const outcome = await jobs.follow('direct', NAMESPACE, jobName, { onStarted: () => undefined, onLine: (text) => void lines.push(text) }, new AbortController().signal);
    expect({ outcome, lines }).toEqual({ outcome: 'failed', lines: ['error: the build pod cannot start: CreateContainerConfigError: secret "gone" not found'] });
    await jobs.delete('direct', NAMESPACE, jobName);
  });

  it('a Job the cluster refuses leaves no Secret behind', async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(simulator.kubeconfig());
    const jobs = createBuildJobs({ kubeConfigOf: () => kubeConfig });
    // A Job of that name already exists: creating the build's Job fails with 409.
    const jobName = `kda-build-taken-${randomBytes(3).toString('hex')}`;
    simulator.addJob({ namespace: NAMESPACE, name: jobName, containers: [{ name: 'main', image: 'example/job:1' }] });
    const spec: BuildJobSpec = {
      runId: 'taken',
      jobName,
      namespace: NAMESPACE,
      clusterId: 'direct',
      sourceUrl: 'git://git.example.com/team/app.git',
      ref: 'main',
      preset: 'NODEJS',
      dockerfile: null,
      presetDockerfile: presetDockerfile('NODEJS'),
      buildArgs: [],
      destination: `${new URL(registry.url).host}/team/taken:run-1`,
      registryUrl: registry.url,
      credentials: { username, password },
      steps: ['clone', 'push'],
    };
    await expect(jobs.create(spec)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(simulator.getObject('secrets', NAMESPACE, registrySecretName(jobName))).toBeUndefined();
  });
});
