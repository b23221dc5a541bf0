/**
 * Image security end to end: Trivy Operator's VulnerabilityReports served by simulated clusters,
 * watched by the gateway's informers, and shown per workload, per application map and per build
 * run, to the callers who may see them.
 */
import { randomBytes } from 'node:crypto';
import { findingsFor, startSimulatedCluster, type SimulatedCluster, type VulnerabilitySeverity } from '../src/simulator/index.js';
import { createToken, createUser } from './identity-support.js';
import { registerCluster, type RegisteredCluster } from './support/cluster.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { startTestRegistry, type TestRegistry } from './support/registry.js';
import { waitFor } from './support/wait.js';

const GiB = 2 ** 30;

interface Counts {
  critical: number;
  high: number;
  medium: number;
  low: number;
  unknown: number;
}

interface ImageVulnerabilities {
  image: string;
  registry: string;
  repository: string;
  tag: string | null;
  digest: string | null;
  counts: Counts;
  scannedAt: string | null;
}

interface Finding {
  id: string;
  advisoryId: string;
  package: string;
  installedVersion: string;
  fixedVersion: string | null;
  severity: VulnerabilitySeverity;
  title: string;
  link: string | null;
}

interface FindingPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ node: Finding }>;
}

const IMAGE_FIELDS = 'image registry repository tag digest scannedAt counts { critical high medium low unknown }';
const WORKLOADS = `query ($id: ID!, $namespace: String) {
  cluster(id: $id) { workloads(namespace: $namespace) { edges { node { id kind name vulnerabilities { ${IMAGE_FIELDS} } } } } }
}`;
const WORKLOAD_NODE = `query ($id: ID!) { node(id: $id) { ... on Workload { name vulnerabilities { ${IMAGE_FIELDS} } } } }`;
const FINDINGS = `query ($id: ID!, $first: Int, $after: String, $severity: [VulnerabilitySeverity!]) {
  node(id: $id) { ... on Workload { vulnerabilities { image findings(first: $first, after: $after, severity: $severity) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id advisoryId package installedVersion fixedVersion severity title link } }
  } } } }
}`;
const MAP = `query ($id: ID!) { appMap(id: $id) { name vulnerabilities { counts { critical high medium low unknown } images { ${IMAGE_FIELDS} } } } }`;
const CREATE_MAP = `mutation ($input: CreateAppMapInput!) { createAppMap(input: $input) { appMap { id } } }`;
const RUN = `query ($id: ID!) { buildRun(id: $id) { image imageDigest finishedAt status vulnerabilities { ${IMAGE_FIELDS} } } }`;

function data<T>(response: GraphqlResponse<T>, what: string): T {
  if (response.data === undefined || response.data === null || response.errors !== undefined) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

function countsOf(image: string): Counts {
  const findings = findingsFor(image);
  const count = (severity: VulnerabilitySeverity) => findings.filter((finding) => finding.severity === severity).length;
  return { critical: count('CRITICAL'), high: count('HIGH'), medium: count('MEDIUM'), low: count('LOW'), unknown: count('UNKNOWN') };
}

function sum(...all: Counts[]): Counts {
  return all.reduce((a, b) => ({ critical: a.critical + b.critical, high: a.high + b.high, medium: a.medium + b.medium, low: a.low + b.low, unknown: a.unknown + b.unknown }));
}

const total = (counts: Counts) => counts.critical + counts.high + counts.medium + counts.low + counts.unknown;

async function startCluster(name: string, withTrivy: boolean): Promise<SimulatedCluster> {
  const simulator = await startSimulatedCluster({
    name: `${name}-${randomBytes(3).toString('hex')}`,
    bookmarkIntervalMs: 200,
    podStartDelayMs: 10,
    buildLineIntervalMs: 20,
    vulnerabilityReports: withTrivy,
    vulnerabilityScanDelayMs: 50,
  });
  simulator.addNode({ name: 'worker-1', cpu: 16, memoryBytes: 32 * GiB, storageBytes: 100 * GiB, maxPods: 110 });
  simulator.addDeployment({
    namespace: 'shop',
    name: 'web',
    replicas: 2,
    labels: { app: 'web', 'part-of': 'shop' },
    containers: [
      { name: 'web', image: 'nginx:1.25' },
      { name: 'sidecar', image: 'example/shop-sidecar:1.0' },
    ],
  });
  simulator.addStatefulSet({
    namespace: 'shop',
    name: 'db',
    replicas: 1,
    labels: { app: 'db', 'part-of': 'shop' },
    containers: [{ name: 'db', image: 'docker.io/library/redis:7.4.1' }],
  });
  simulator.addDeployment({ namespace: 'billing', name: 'ledger', replicas: 1, labels: { app: 'ledger' }, containers: [{ name: 'ledger', image: 'example/ledger:3' }] });
  return simulator;
}

describe('image security: Trivy Operator reports per workload, application map and build run', () => {
  let gateway: TestGateway;
  let registry: TestRegistry;
  let seoul: RegisteredCluster;
  let plain: RegisteredCluster;
  let teamId: string;
  const tokens: Record<string, string> = {};

  async function workloadsOf(clusterId: string, namespace: string, token: string) {
    const response = data(
      await gateway.request<{ cluster: { workloads: { edges: Array<{ node: { id: string; kind: string; name: string; vulnerabilities: ImageVulnerabilities[] } }> } } }>(
        WORKLOADS,
        { id: clusterId, namespace },
        token,
      ),
      'cluster.workloads',
    );
    return new Map(response.cluster.workloads.edges.map((edge) => [edge.node.name, edge.node]));
  }

  beforeAll(async () => {
    [gateway, registry] = await Promise.all([startTestGateway(), startTestRegistry()]);
    seoul = await registerCluster(gateway, await startCluster('seoul', true));
    plain = await registerCluster(gateway, await startCluster('plain', false));
    const workspace = async (name: string) =>
      data(
        await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(`mutation ($name: String!) { createWorkspace(input: { name: $name }) { workspace { id } } }`, {
          name,
        }),
        'ws',
      ).createWorkspace.workspace.id;
    teamId = await workspace('Shop Team');
    const otherId = await workspace('Billing Team');
    const allot = async (workspaceId: string, clusterId: string, namespaces: string[]) =>
      data(
        await gateway.request(`mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { clusterId } } }`, {
          input: { workspaceId, clusterId, namespaces },
        }),
        'allot',
      );
    await allot(teamId, seoul.id, ['shop']);
    await allot(teamId, plain.id, ['shop']);
    await allot(otherId, seoul.id, ['billing']);
    const member = async (key: string, workspaceId: string, role: string) => {
      const user = await createUser(gateway, { name: key, email: `${key}-${randomBytes(3).toString('hex')}@example.com` });
      data(
        await gateway.request(`mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`, {
          input: { workspaceId, userId: user.id, role },
        }),
        'member',
      );
      tokens[key] = (await createToken(gateway, { name: 'cli', userId: user.id, scopes: ['READ', 'WRITE'] })).token;
    };
    await member('viewer', teamId, 'VIEWER');
    await member('devops', teamId, 'DEVOPS');
    await member('outsider', otherId, 'VIEWER');
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([seoul?.simulator.close(), plain?.simulator.close(), registry?.stop()]);
  });

  it('counts findings by severity per workload, one entry per image, followed up from the ReplicaSet to the Deployment', async () => {
    const workloads = await workloadsOf(seoul.id, 'shop', tokens['viewer']!);
    const web = workloads.get('web')!;
    expect(web.vulnerabilities.map((entry) => entry.image)).toEqual(['nginx:1.25', 'example/shop-sidecar:1.0']);
    const [nginx, sidecar] = web.vulnerabilities;
    expect(nginx).toMatchObject({ registry: 'index.docker.io', repository: 'library/nginx', tag: '1.25', counts: countsOf('nginx:1.25') });
    expect(nginx!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(nginx!.scannedAt).not.toBeNull();
    expect(sidecar!.counts).toEqual(countsOf('example/shop-sidecar:1.0'));
    // The demo images are chosen so the scan has something to say.
    expect(total(nginx!.counts)).toBeGreaterThan(0);
    expect(workloads.get('db')!.vulnerabilities).toEqual([
      expect.objectContaining({ repository: 'library/redis', tag: '7.4.1', counts: countsOf('docker.io/library/redis:7.4.1') }),
    ]);
  });

  it('sums an application map over its distinct images', async () => {
    const created = data(
      await gateway.request<{ createAppMap: { appMap: { id: string } } }>(CREATE_MAP, {
        input: { workspaceId: teamId, clusterId: seoul.id, namespace: 'shop', name: 'shop', stage: 'PROD', selector: 'part-of=shop' },
      }),
      'createAppMap',
    ).createAppMap.appMap.id;
    const map = data(
      await gateway.request<{ appMap: { vulnerabilities: { counts: Counts; images: ImageVulnerabilities[] } } }>(MAP, { id: created }, tokens['viewer']),
      'appMap',
    ).appMap;
    expect(map.vulnerabilities.images.map((image) => image.image).sort()).toEqual(['docker.io/library/redis:7.4.1', 'example/shop-sidecar:1.0', 'nginx:1.25']);
    expect(map.vulnerabilities.counts).toEqual(sum(countsOf('nginx:1.25'), countsOf('example/shop-sidecar:1.0'), countsOf('docker.io/library/redis:7.4.1')));

    // Another team's viewer sees neither the map nor the workloads.
    const refused = await gateway.request(MAP, { id: created }, tokens['outsider']);
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('pages the findings, the most severe first, and filters them by severity', async () => {
    const web = (await workloadsOf(seoul.id, 'shop', tokens['viewer']!)).get('web')!;
    const read = async (variables: Record<string, unknown>) =>
      data(
        await gateway.request<{ node: { vulnerabilities: Array<{ image: string; findings: FindingPage }> } }>(FINDINGS, { id: web.id, ...variables }, tokens['viewer']),
        'findings',
      ).node.vulnerabilities[0]!.findings;
    const expected = findingsFor('nginx:1.25');
    const first = await read({ first: 3 });
    expect(first.totalCount).toBe(expected.length);
    expect(first.edges).toHaveLength(3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await read({ first: 100, after: first.pageInfo.endCursor });
    const all = [...first.edges, ...rest.edges].map((edge) => edge.node);
    expect(all).toHaveLength(expected.length);
    expect(new Set(all.map((finding) => finding.id)).size).toBe(all.length);
    const rank = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];
    expect(all.map((finding) => rank.indexOf(finding.severity))).toEqual([...all.map((finding) => rank.indexOf(finding.severity))].sort((a, b) => a - b));
    const sample = expected[0]!;
    expect(all).toContainEqual(
      expect.objectContaining({
        advisoryId: sample.vulnerabilityID,
        package: sample.resource,
        installedVersion: sample.installedVersion,
        fixedVersion: sample.fixedVersion === '' ? null : sample.fixedVersion,
        severity: sample.severity,
        link: sample.primaryLink,
      }),
    );

    const severe = await read({ first: 100, severity: ['CRITICAL', 'HIGH'] });
    const counts = countsOf('nginx:1.25');
    expect(severe.totalCount).toBe(counts.critical + counts.high);
    expect(severe.edges.every((edge) => edge.node.severity === 'CRITICAL' || edge.node.severity === 'HIGH')).toBe(true);

    const badPage = await gateway.request(FINDINGS, { id: web.id, first: -1 }, tokens['viewer']);
    expect(badPage.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('shows another team nothing: its workload is a missing node, its namespace lists nothing', async () => {
    const web = (await workloadsOf(seoul.id, 'shop', tokens['viewer']!)).get('web')!;
    const response = await gateway.request<{ node: unknown }>(WORKLOAD_NODE, { id: web.id }, tokens['outsider']);
    // As a missing object: node() answers null, no error that would tell it exists.
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ node: null });
    expect((await workloadsOf(seoul.id, 'shop', tokens['outsider']!)).size).toBe(0);
    // Its own namespace is fine.
    expect((await workloadsOf(seoul.id, 'billing', tokens['outsider']!)).get('ledger')!.vulnerabilities).toHaveLength(1);
  });

  it('answers empty lists, without an error, on a cluster that does not run Trivy Operator', async () => {
    const workloads = await workloadsOf(plain.id, 'shop', tokens['viewer']!);
    expect(workloads.get('web')!.vulnerabilities).toEqual([]);
    const created = data(
      await gateway.request<{ createAppMap: { appMap: { id: string } } }>(CREATE_MAP, {
        input: { workspaceId: teamId, clusterId: plain.id, namespace: 'shop', name: 'shop', stage: 'DEV', selector: '' },
      }),
      'createAppMap',
    ).createAppMap.appMap.id;
    const map = data(await gateway.request<{ appMap: { vulnerabilities: { counts: Counts; images: unknown[] } } }>(MAP, { id: created }, tokens['viewer']), 'appMap').appMap;
    expect(map.vulnerabilities).toEqual({ counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }, images: [] });
  });

  it('follows the cluster: a report rewritten by the scanner, and a new image tag scanned a little after its pods', async () => {
    const simulator = seoul.simulator;
    const [replicaSet] = simulator.listObjects('replicasets', 'shop').filter((candidate) => candidate.metadata.name.startsWith('web-'));
    simulator.putVulnerabilityReport({
      namespace: 'shop',
      owner: { kind: 'ReplicaSet', name: replicaSet!.metadata.name },
      container: 'web',
      image: 'nginx:1.25',
      vulnerabilities: [
        {
          vulnerabilityID: 'CVE-2099-0001',
          resource: 'libnew',
          installedVersion: '1.0',
          fixedVersion: '1.1',
          severity: 'CRITICAL',
          title: 'new',
          primaryLink: 'https://example.test/cve',
        },
      ],
    });
    await waitFor('the rewritten report', async () => {
      const web = (await workloadsOf(seoul.id, 'shop', tokens['viewer']!)).get('web')!;
      const nginx = web.vulnerabilities.find((entry) => entry.image === 'nginx:1.25');
      return nginx?.counts.critical === 1 && total(nginx.counts) === 1;
    });

    simulator.patchObject('deployments', 'shop', 'web', { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } });
    const updated = await waitFor('the new tag to be scanned', async () => {
      const web = (await workloadsOf(seoul.id, 'shop', tokens['viewer']!)).get('web')!;
      return web.vulnerabilities.find((entry) => entry.tag === '1.27');
    });
    expect(updated.counts).toEqual(countsOf('nginx:1.27'));
  });

  it('matches a build run’s image by digest, only in namespaces the caller may see', async () => {
    const registryId = data(
      await gateway.request<{ createRegistry: { registry: { id: string } } }>(`mutation ($input: CreateRegistryInput!) { createRegistry(input: $input) { registry { id } } }`, {
        input: { name: 'platform', url: registry.url, kind: 'BUILTIN' },
      }),
      'createRegistry',
    ).createRegistry.registry.id;
    data(
      await gateway.request(`mutation ($w: ID!, $r: ID!) { allotRegistry(input: { workspaceId: $w, registryId: $r }) { workspaceId } }`, { w: teamId, r: registryId }),
      'allotRegistry',
    );
    const buildId = data(
      await gateway.request<{ createBuild: { build: { id: string } } }>(`mutation ($input: CreateBuildInput!) { createBuild(input: $input) { build { id } } }`, {
        input: {
          workspaceId: teamId,
          name: 'shop',
          sourceUrl: 'git://git.example.com/team/shop.git',
          ref: 'main',
          preset: 'NODEJS',
          imageRepository: 'shop-team/shop',
          registryId,
          clusterId: seoul.id,
        },
      }),
      'createBuild',
    ).createBuild.build.id;
    const runId = data(
      await gateway.request<{ runBuild: { run: { id: string } } }>(`mutation ($id: ID!) { runBuild(input: { buildId: $id }) { run { id } } }`, { id: buildId }),
      'runBuild',
    ).runBuild.run.id;
    type Run = { image: string; imageDigest: string | null; finishedAt: string | null; status: string; vulnerabilities: ImageVulnerabilities | null };
    const readRun = async (token?: string) => data(await gateway.request<{ buildRun: Run }>(RUN, { id: runId }, token), 'buildRun').buildRun;
    const run = await waitFor('the run to finish', async () => {
      const current = await readRun();
      return current.finishedAt !== null ? current : undefined;
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.imageDigest).toMatch(/^sha256:/);
    expect(run.vulnerabilities).toBeNull();

    // The image runs under another tag in the billing namespace: the team cannot see it there.
    const simulator = seoul.simulator;
    const deployed = `${new URL(registry.url).host}/shop-team/shop:deployed`;
    const [ledgerSet] = simulator.listObjects('replicasets', 'billing');
    simulator.putVulnerabilityReport({
      namespace: 'billing',
      owner: { kind: 'ReplicaSet', name: ledgerSet!.metadata.name },
      container: 'ledger',
      image: deployed,
      digest: run.imageDigest!,
    });
    await waitFor('the administrator to see the match', async () => (await readRun()).vulnerabilities !== null);
    expect((await readRun(tokens['devops'])).vulnerabilities).toBeNull();

    // And in the team's own namespace: found by digest, though the tag differs.
    const [dbSet] = simulator.listObjects('statefulsets', 'shop');
    simulator.putVulnerabilityReport({ namespace: 'shop', owner: { kind: 'StatefulSet', name: dbSet!.metadata.name }, container: 'db', image: deployed, digest: run.imageDigest! });
    const seen = await waitFor('the team to see the match', async () => (await readRun(tokens['devops'])).vulnerabilities ?? undefined);
    expect(seen).toMatchObject({ repository: 'shop-team/shop', tag: 'deployed', digest: run.imageDigest, counts: countsOf(deployed) });
  });
});
