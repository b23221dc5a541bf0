/**
 * The Helm chart in deploy/helm/kda-gateway, rendered by test/support/helm-template.ts (Helm is not
 * installable here) with its default values and with overrides, then every manifest sent to a
 * simulated apiserver with `kubectl apply --dry-run=server`: what the apiserver refuses fails here.
 * Also checked: the labels, selectors, probes, Secret references and that every environment
 * variable the chart sets is one the gateway's configuration reads. Skipped only without kubectl.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';
import { variablesTheGatewayReads } from './support/config-variables.js';
import { renderChart, TemplateError, type RenderedChart } from './support/helm-template.js';
import { waitFor } from './support/wait.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const chartDirectory = path.join(root, 'deploy', 'helm', 'kda-gateway');
const kubectlAvailable = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!kubectlAvailable) console.warn('SKIPPED the dry runs of test/helm-chart.test.ts: kubectl is not installed (not on PATH)');
const itWithKubectl = kubectlAvailable ? it : it.skip;

const NAMESPACE = 'kda';
const GiB = 2 ** 30;
const INLINE_SECRETS = {
  database: { url: 'mysql://kda:secret@mysql:3306/kda' },
  nats: { url: 'nats://nats:4222' },
  keys: { adminToken: 'admin-token-0123456789', secretKey: 'secret-key-0123456789' },
};
const EXISTING_SECRETS = {
  replicaCount: 3,
  autoscaling: { enabled: false },
  database: { existingSecret: 'kda-database', existingSecretKey: 'url' },
  nats: { existingSecret: 'kda-nats' },
  keys: { existingSecret: 'kda-keys' },
  extraEnv: [{ name: 'KDA_LOG_LEVEL', value: 'debug' }],
};

type Json = Record<string, unknown>;
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Json;
  [field: string]: unknown;
}
interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { containers: Array<{ env: EnvEntry[]; command?: string[]; livenessProbe?: Json; readinessProbe?: Json; securityContext?: Json }>; securityContext?: Json };
}

/** As kubectl reads them (YAML 1.1: an unquoted `off` would be a boolean). */
function manifestsOf(rendered: RenderedChart): Manifest[] {
  return rendered.documents.map((document) => parseYaml(document.yaml, { version: '1.1' }) as Manifest);
}

function find(manifests: Manifest[], kind: string): Manifest {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]!;
}

function podTemplate(manifest: Manifest): PodTemplate {
  return (manifest.spec as { template: PodTemplate }).template;
}

describe('the Helm chart', () => {
  let cluster: SimulatedCluster;
  let directory: string;

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'helm-chart-'));
    cluster = await startSimulatedCluster({ name: 'helm-chart', podStartDelayMs: 20, jobRunMs: 50 });
    cluster.addNode({ name: 'worker-1', roles: ['worker'], cpu: 8, memoryBytes: 16 * GiB, storageBytes: 100 * GiB });
    cluster.addNamespace(NAMESPACE);
    cluster.addNamespace('live');
    writeFileSync(path.join(directory, 'kubeconfig'), cluster.kubeconfig());
  });

  afterAll(async () => {
    await cluster?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  /** `kubectl apply --dry-run=server` of one manifest (a real apply with `live`); resolves with the exit code and output. */
  async function dryRun(manifest: string, index: number, live?: { namespace: string }): Promise<{ code: number; output: string }> {
    const file = path.join(directory, `manifest-${index}.yaml`);
    writeFileSync(file, manifest);
    const args = ['--kubeconfig', path.join(directory, 'kubeconfig'), '--cache-dir', path.join(directory, 'cache'), 'apply', '--validate=false'];
    if (live === undefined) args.push('--dry-run=server');
    try {
      const { stdout, stderr } = await run('kubectl', [...args, '-n', live?.namespace ?? NAMESPACE, '-f', file], {
        env: { ...process.env, HOME: directory, KUBECONFIG: '' },
        timeout: 60_000,
      });
      return { code: 0, output: `${stdout}${stderr}` };
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; code?: number };
      if (typeof failed.code !== 'number') throw error;
      return { code: failed.code, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
    }
  }

  async function expectAcceptedByTheApiserver(rendered: RenderedChart): Promise<string[]> {
    const outputs: string[] = [];
    for (const [index, document] of rendered.documents.entries()) {
      const result = await dryRun(document.yaml, index);
      expect({ template: document.template, ...result }).toEqual({ template: document.template, code: 0, output: expect.stringMatching(/\(server dry run\)\n$/) });
      outputs.push(result.output.trim());
    }
    // A dry run stores nothing.
    expect(cluster.listObjects('deployments', NAMESPACE)).toEqual([]);
    return outputs;
  }

  it('refuses to render without the database, NATS and keys, naming the value to set', () => {
    expect(() => renderChart(chartDirectory, { name: 'kda-gateway', namespace: NAMESPACE })).toThrow(
      new TemplateError("execution error at (secret.yaml:18): database.url (or database.existingSecret) is required: the gateway's MySQL/MariaDB URL"),
    );
    expect(() => renderChart(chartDirectory, { name: 'kda-gateway', namespace: NAMESPACE }, { ...INLINE_SECRETS, keys: { adminToken: 'admin-token-0123456789' } })).toThrow(
      /keys\.secretKey \(or keys\.existingSecret\) is required/,
    );
  });

  itWithKubectl('with default values (and the secrets inline) renders manifests the apiserver accepts', async () => {
    const rendered = renderChart(chartDirectory, { name: 'kda-gateway', namespace: NAMESPACE }, INLINE_SECRETS);
    expect(await expectAcceptedByTheApiserver(rendered)).toEqual([
      'deployment.apps/kda-gateway created (server dry run)',
      'horizontalpodautoscaler.autoscaling/kda-gateway created (server dry run)',
      'job.batch/kda-gateway-migrate created (server dry run)',
      'poddisruptionbudget.policy/kda-gateway created (server dry run)',
      'secret/kda-gateway created (server dry run)',
      'service/kda-gateway created (server dry run)',
      'serviceaccount/kda-gateway created (server dry run)',
    ]);
    const manifests = manifestsOf(rendered);
    const deployment = find(manifests, 'Deployment');
    // The autoscaler owns the replica count.
    expect(deployment.spec?.['replicas']).toBeUndefined();
    expect(find(manifests, 'HorizontalPodAutoscaler').spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'kda-gateway' },
      minReplicas: 2,
      maxReplicas: 6,
    });
    const secret = find(manifests, 'Secret');
    expect(secret['stringData']).toEqual({
      DATABASE_URL: INLINE_SECRETS.database.url,
      NATS_URL: INLINE_SECRETS.nats.url,
      KDA_ADMIN_TOKEN: INLINE_SECRETS.keys.adminToken,
      KDA_SECRET_KEY: INLINE_SECRETS.keys.secretKey,
    });
    // The migration Job needs the Secret before the release's ordinary objects exist.
    expect(secret.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-weight': '-10' });
    const env = podTemplate(deployment).spec.containers[0]!.env;
    expect(env.filter((entry) => entry.valueFrom !== undefined).map((entry) => [entry.name, entry.valueFrom?.secretKeyRef?.name, entry.valueFrom?.secretKeyRef?.key])).toEqual([
      ['DATABASE_URL', 'kda-gateway', 'DATABASE_URL'],
      ['KDA_SECRET_KEY', 'kda-gateway', 'KDA_SECRET_KEY'],
      ['NATS_URL', 'kda-gateway', 'NATS_URL'],
      ['KDA_ADMIN_TOKEN', 'kda-gateway', 'KDA_ADMIN_TOKEN'],
      ['KDA_JWT_SECRET', 'kda-gateway', 'KDA_JWT_SECRET'],
    ]);
    expect(env.find((entry) => entry.name === 'KDA_SIMULATOR')?.value).toBe('off');
  });

  itWithKubectl('with 3 replicas, existing Secrets and no autoscaler renders manifests the apiserver accepts', async () => {
    const rendered = renderChart(chartDirectory, { name: 'prod', namespace: NAMESPACE }, EXISTING_SECRETS);
    expect(await expectAcceptedByTheApiserver(rendered)).toEqual([
      'deployment.apps/prod-kda-gateway created (server dry run)',
      'job.batch/prod-kda-gateway-migrate created (server dry run)',
      'poddisruptionbudget.policy/prod-kda-gateway created (server dry run)',
      'service/prod-kda-gateway created (server dry run)',
      'serviceaccount/prod-kda-gateway created (server dry run)',
    ]);
    const manifests = manifestsOf(rendered);
    expect(manifests.map((manifest) => manifest.kind)).not.toContain('Secret');
    expect(manifests.map((manifest) => manifest.kind)).not.toContain('HorizontalPodAutoscaler');
    const deployment = find(manifests, 'Deployment');
    expect(deployment.spec?.['replicas']).toBe(3);
    const env = podTemplate(deployment).spec.containers[0]!.env;
    const reference = (name: string) => env.find((entry) => entry.name === name)?.valueFrom?.secretKeyRef;
    expect(reference('DATABASE_URL')).toEqual({ name: 'kda-database', key: 'url' });
    expect(reference('NATS_URL')).toEqual({ name: 'kda-nats', key: 'NATS_URL' });
    expect(reference('KDA_ADMIN_TOKEN')).toEqual({ name: 'kda-keys', key: 'KDA_ADMIN_TOKEN' });
    expect(reference('KDA_SECRET_KEY')).toEqual({ name: 'kda-keys', key: 'KDA_SECRET_KEY' });
    expect(reference('KDA_JWT_SECRET')).toEqual({ name: 'kda-keys', key: 'KDA_JWT_SECRET', optional: true });
    expect(env.at(-1)).toEqual({ name: 'KDA_LOG_LEVEL', value: 'debug' });
    const migration = podTemplate(find(manifests, 'Job')).spec.containers[0]!;
    expect(migration.command).toEqual(['node', 'dist/scripts/migrate.js', 'up']);
    expect(migration.env.slice(0, 2).map((entry) => entry.valueFrom?.secretKeyRef)).toEqual([
      { name: 'kda-database', key: 'url' },
      { name: 'kda-keys', key: 'KDA_SECRET_KEY' },
    ]);
  });

  itWithKubectl('installed for real, runs the migration, then the gateway pods with their Secret resolved under the disruption budget', async () => {
    const rendered = renderChart(chartDirectory, { name: 'kda-gateway', namespace: 'live' }, { ...INLINE_SECRETS, replicaCount: 3, autoscaling: { enabled: false } });
    // Helm's order: the hooks (Secret at weight -10, then the Job), then the rest.
    const hooks = (document: { yaml: string }) => /helm\.sh\/hook-weight: "(-?\d+)"/.exec(document.yaml)?.[1];
    const ordered = [
      ...rendered.documents.filter((document) => hooks(document) !== undefined).sort((left, right) => Number(hooks(left)) - Number(hooks(right))),
      ...rendered.documents.filter((document) => hooks(document) === undefined),
    ];
    expect(ordered.slice(0, 2).map((document) => document.template)).toEqual(['secret.yaml', 'migration-job.yaml']);
    for (const [index, document] of ordered.entries()) expect(await dryRun(document.yaml, 100 + index, { namespace: 'live' })).toMatchObject({ code: 0 });
    await waitFor('the migration Job to complete', () =>
      cluster.getObject('jobs', 'live', 'kda-gateway-migrate')?.status.conditions?.some((condition) => condition.type === 'Complete' && condition.status === 'True'),
    );
    await waitFor('3 ready gateway pods counted by the budget', () => {
      const budget = cluster.getObject('poddisruptionbudgets', 'live', 'kda-gateway')?.status;
      return budget?.expectedPods === 3 && budget.currentHealthy === 3 && budget.disruptionsAllowed === 1;
    });
    const pods = cluster.listObjects('pods', 'live').filter((pod) => pod.metadata.labels?.['app.kubernetes.io/component'] === 'gateway');
    expect(pods.map((pod) => pod.status.phase)).toEqual(['Running', 'Running', 'Running']);
    const service = cluster.getObject('services', 'live', 'kda-gateway');
    expect(service?.spec.ports).toEqual([expect.objectContaining({ name: 'http', port: 80, targetPort: 'http' })]);
  });

  it('labels every object as recommended, and selects only the gateway pods', () => {
    const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
    const chart = parseYaml(readFileSync(path.join(chartDirectory, 'Chart.yaml'), 'utf8')) as { appVersion: string };
    expect(chart.appVersion).toBe(version);
    const manifests = manifestsOf(renderChart(chartDirectory, { name: 'kda-gateway', namespace: NAMESPACE }, INLINE_SECRETS));
    for (const manifest of manifests) {
      expect({ kind: manifest.kind, labels: manifest.metadata.labels }).toEqual({
        kind: manifest.kind,
        labels: expect.objectContaining({
          'app.kubernetes.io/name': 'kda-gateway',
          'app.kubernetes.io/instance': 'kda-gateway',
          'app.kubernetes.io/version': version,
          'app.kubernetes.io/component': manifest.kind === 'Job' ? 'migration' : 'gateway',
          'app.kubernetes.io/part-of': 'kda',
          'app.kubernetes.io/managed-by': 'Helm',
        }),
      });
    }
    const deployment = find(manifests, 'Deployment');
    const selector = (deployment.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
    const matches = (labels: Record<string, string>) => Object.entries(selector).every(([key, value]) => labels[key] === value);
    expect(matches(podTemplate(deployment).metadata.labels)).toBe(true);
    expect(matches(podTemplate(find(manifests, 'Job')).metadata.labels)).toBe(false);
    expect((find(manifests, 'PodDisruptionBudget').spec as { selector: { matchLabels: unknown } }).selector.matchLabels).toEqual(selector);
    expect((find(manifests, 'Service').spec as { selector: unknown }).selector).toEqual(selector);
  });

  it('probes /healthz for liveness and /readyz for readiness, and runs non-root on a read-only root file system', () => {
    const manifests = manifestsOf(renderChart(chartDirectory, { name: 'kda-gateway', namespace: NAMESPACE }, INLINE_SECRETS));
    const pod = podTemplate(find(manifests, 'Deployment'));
    const container = pod.spec.containers[0]!;
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'http' } });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'http' } });
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  it('sets only environment variables the gateway reads', () => {
    const known = variablesTheGatewayReads();
    expect(known).toContain('DATABASE_URL');
    const manifests = manifestsOf(renderChart(chartDirectory, { name: 'kda-gateway', namespace: NAMESPACE }, EXISTING_SECRETS));
    const names = manifests
      .filter((manifest) => manifest.kind === 'Deployment' || manifest.kind === 'Job')
      .flatMap((manifest) => podTemplate(manifest).spec.containers.flatMap((container) => container.env.map((entry) => entry.name)));
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((name) => !known.has(name))).toEqual([]);
  });
});
