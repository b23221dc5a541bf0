import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClusterProbe } from '../src/infra/k8s/cluster-probe.js';
import { STRICT_KUBECONFIG, type KubeconfigAllowances } from '../src/infra/k8s/kubeconfig.js';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';
import { createAddressPolicy } from '../src/infra/egress/address-policy.js';
import { createEgress } from '../src/infra/egress/egress.js';
import { loopbackEgress } from './support/egress.js';

/**
 * A kubeconfig is a user's document: it may not make the gateway read its host's files, run
 * programs, go through a proxy or talk without TLS, unless an administrator allowed that. The
 * probe runs against a real simulated apiserver, which must see no request for a refused one.
 */
describe('kubeconfigs carry inline data only', () => {
  let cluster: SimulatedCluster;
  let folder: string;

  beforeAll(async () => {
    cluster = await startSimulatedCluster({ name: 'kubeconfig-policy' });
    folder = await mkdtemp(path.join(tmpdir(), 'kda-kubeconfig-'));
  });

  afterAll(async () => {
    await cluster.close();
    await rm(folder, { recursive: true, force: true });
  });

  const probeWith = (allowances: KubeconfigAllowances = STRICT_KUBECONFIG) => createClusterProbe({ allowances, egress: loopbackEgress(), timeoutMs: 10_000 });
  const original = () => cluster.kubeconfig();
  const token = () => /token: "([^"]+)"/.exec(original())?.[1] ?? '';

  async function refusal(kubeconfig: string, allowances?: KubeconfigAllowances): Promise<{ code: string; message: string; details?: unknown }> {
    const before = cluster.requestCount();
    const error = (await probeWith(allowances)
      .probe(kubeconfig, null)
      .then(
        () => null,
        (caught: unknown) => caught,
      )) as { code: string; message: string } | null;
    expect(error).not.toBeNull();
    // Refused before any byte left for the API server.
    expect(cluster.requestCount()).toBe(before);
    return error as { code: string; message: string };
  }

  test('the inline kubeconfig the simulator hands out is accepted', async () => {
    await expect(probeWith().probe(original(), null)).resolves.toMatchObject({ kubernetesVersion: expect.stringMatching(/^v1\./) });
  });

  test('token-file naming a host file is refused by name, and the file is never read or sent', async () => {
    const withTokenFile = original().replace(/token: "[^"]+"/, 'token-file: "/etc/hostname"');
    const error = await refusal(withTokenFile);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(error.message).toContain('users[0] (kubeconfig-policy) token-file: reads a file on the gateway host');
    expect(error.message).toContain('KDA_ALLOW_KUBECONFIG_FILES');
  });

  test('client-key naming a file says the same whether the file exists or not (no existence oracle)', async () => {
    const withKey = (file: string) => original().replace(/token: "[^"]+"/, `client-certificate: "/etc/hostname"\n    client-key: "${file}"`);
    const existing = await refusal(withKey('/etc/hostname'));
    const missing = await refusal(withKey('/root/.ssh/id_rsa_that_does_not_exist'));
    expect(existing.message.replace('/etc/hostname', '')).toBe(missing.message.replace('/root/.ssh/id_rsa_that_does_not_exist', ''));
  });

  test('certificate-authority as a file, proxy-url, insecure-skip-tls-verify and plain http are refused by name', async () => {
    const caFile = original().replace(/certificate-authority-data: \S+/, 'certificate-authority: "/etc/ssl/certs/ca-certificates.crt"');
    expect((await refusal(caFile)).message).toContain('clusters[0] (kubeconfig-policy) certificate-authority: reads a file');
    const proxied = original().replace(/(server: "[^"]+")/, '$1\n    proxy-url: "http://127.0.0.1:3128"');
    expect((await refusal(proxied)).message).toContain('proxy-url: routes the connection through a proxy');
    const insecure = original().replace(/certificate-authority-data: \S+/, 'insecure-skip-tls-verify: true');
    expect((await refusal(insecure)).message).toContain('insecure-skip-tls-verify: turns off the server certificate check');
    const plain = original().replace(/server: "https:/, 'server: "http:');
    expect((await refusal(plain)).message).toContain('server: is plain http');
  });

  test('an entry outside the current context is checked too (the client parses every user)', async () => {
    const extraUser = original().replace('users:\n', 'users:\n- name: "other"\n  user:\n    token-file: "/etc/hostname"\n');
    expect((await refusal(extraUser)).message).toContain('users[0] (other) token-file');
  });

  test('an administrator may allow file references: then a token file works', async () => {
    const file = path.join(folder, 'token');
    await writeFile(file, token());
    const withTokenFile = original().replace(/token: "[^"]+"/, `token-file: ${JSON.stringify(file)}`);
    await expect(probeWith({ ...STRICT_KUBECONFIG, fileReferences: true }).probe(withTokenFile, null)).resolves.toMatchObject({ kubernetesVersion: expect.any(String) });
  });

  test('an API server on a refused address is "not reachable", without network detail, and never contacted', async () => {
    const strictProbe = createClusterProbe({ allowances: STRICT_KUBECONFIG, egress: createEgress(createAddressPolicy()), timeoutMs: 10_000 });
    const before = cluster.requestCount();
    await expect(strictProbe.probe(original(), null)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: 'kubeconfig: the API server is not reachable' });
    expect(cluster.requestCount()).toBe(before);
  });
});
