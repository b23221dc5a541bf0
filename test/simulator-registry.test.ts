import { createHash } from 'node:crypto';
import { createRegistryClient } from '../src/infra/registry/registry-client.js';
import { loopbackEgress } from './support/egress.js';
import { buildImage, pushImage } from '../src/simulator/builds/image-push.js';
import { startSimulatedRegistry, type SimulatedRegistry } from '../src/simulator/index.js';

const anonymous = { username: null, password: null };
const client = createRegistryClient({ egress: loopbackEgress(), timeoutMs: 5_000 });

function digestOf(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

async function errorsOf(response: Response): Promise<string[]> {
  const body = (await response.json()) as { errors?: Array<{ code: string }> };
  return (body.errors ?? []).map((error) => error.code);
}

/** POST then one PUT with the whole blob, as the build pusher does; returns the final response. */
async function upload(registry: SimulatedRegistry, repository: string, blob: Buffer, digest = digestOf(blob)): Promise<Response> {
  const started = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  expect(started.status).toBe(202);
  const location = new URL(started.headers.get('location') ?? '', registry.url);
  location.searchParams.set('digest', digest);
  return fetch(location, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: blob });
}

describe('simulated registry, read by the gateway registry client', () => {
  let registry: SimulatedRegistry;

  beforeAll(async () => {
    registry = await startSimulatedRegistry();
  });

  afterAll(async () => {
    await registry?.close();
  });

  test('an image pushed by the build pusher is listed with its digest and size', async () => {
    await client.check(registry.url, anonymous);
    const builtAt = new Date('2026-01-02T03:04:05Z');
    const pushed = await pushImage({ registryUrl: registry.url, repository: 'cloud-team/demo-was-ant', tag: 'run-1', basicAuth: undefined }, 'JAVA_MAVEN build', builtAt);
    expect(await client.repositories(registry.url, anonymous)).toContain('cloud-team/demo-was-ant');
    expect(await client.tags(registry.url, anonymous, 'cloud-team/demo-was-ant')).toEqual(['run-1']);
    expect(await client.manifest(registry.url, anonymous, 'cloud-team/demo-was-ant', 'run-1')).toEqual({ digest: pushed.digest, sizeBytes: pushed.sizeBytes });
    // By digest as well, and unknown references are null, unknown repositories have no tags.
    expect(await client.manifest(registry.url, anonymous, 'cloud-team/demo-was-ant', pushed.digest)).toEqual({ digest: pushed.digest, sizeBytes: pushed.sizeBytes });
    expect(await client.manifest(registry.url, anonymous, 'cloud-team/demo-was-ant', 'run-2')).toBeNull();
    expect(await client.tags(registry.url, anonymous, 'nobody/here')).toEqual([]);
  });

  test('manifests come back byte for byte with the pushed media type; HEAD answers the digest', async () => {
    const { config, layer } = buildImage('exact bytes', new Date('2026-01-01T00:00:00Z'));
    expect((await upload(registry, 'exact/app', config)).status).toBe(201);
    expect((await upload(registry, 'exact/app', layer)).status).toBe(201);
    // Unusual spacing on purpose: a registry that re-serialized the JSON would change the digest.
    const manifest = Buffer.from(
      `{ "schemaVersion": 2,\n  "mediaType": "application/vnd.oci.image.manifest.v1+json",\n  "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "size": ${config.length}, "digest": "${digestOf(config)}" },\n  "layers": [ { "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "size": ${layer.length}, "digest": "${digestOf(layer)}" } ] }`,
    );
    const put = await fetch(`${registry.url}/v2/exact/app/manifests/v1`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      body: manifest,
    });
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(digestOf(manifest));

    const got = await fetch(`${registry.url}/v2/exact/app/manifests/v1`);
    expect(got.headers.get('content-type')).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(Buffer.from(await got.arrayBuffer()).equals(manifest)).toBe(true);
    const head = await fetch(`${registry.url}/v2/exact/app/manifests/${digestOf(manifest)}`, { method: 'HEAD' });
    expect([head.status, head.headers.get('docker-content-digest'), head.headers.get('content-length')]).toEqual([200, digestOf(manifest), String(manifest.length)]);

    const blob = await fetch(`${registry.url}/v2/exact/app/blobs/${digestOf(layer)}`);
    expect(Buffer.from(await blob.arrayBuffer()).equals(layer)).toBe(true);
    // Blobs belong to the repositories that pushed (or mounted) them.
    expect((await fetch(`${registry.url}/v2/other/app/blobs/${digestOf(layer)}`, { method: 'HEAD' })).status).toBe(404);
    const mounted = await fetch(`${registry.url}/v2/other/app/blobs/uploads/?mount=${digestOf(layer)}&from=exact/app`, { method: 'POST' });
    expect(mounted.status).toBe(201);
    expect((await fetch(`${registry.url}/v2/other/app/blobs/${digestOf(layer)}`, { method: 'HEAD' })).status).toBe(200);

    // A PUT by digest must name the digest of the bytes sent.
    const wrong = await fetch(`${registry.url}/v2/exact/app/manifests/${digestOf(config)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      body: manifest,
    });
    expect([wrong.status, await errorsOf(wrong)]).toEqual([400, ['DIGEST_INVALID']]);
  });

  test('chunked uploads, digest verification, and manifests naming unknown blobs', async () => {
    const blob = Buffer.from('a blob sent in two chunks');
    const started = await fetch(`${registry.url}/v2/chunks/app/blobs/uploads/`, { method: 'POST' });
    const location = new URL(started.headers.get('location') ?? '', registry.url);
    const first = await fetch(location, { method: 'PATCH', headers: { 'content-range': `0-9` }, body: blob.subarray(0, 10) });
    expect([first.status, first.headers.get('range')]).toEqual([202, '0-9']);
    const outOfOrder = await fetch(location, { method: 'PATCH', headers: { 'content-range': `5-9` }, body: blob.subarray(5, 10) });
    expect(outOfOrder.status).toBe(416);
    expect((await fetch(location, { method: 'PATCH', body: blob.subarray(10) })).status).toBe(202);
    const done = new URL(location);
    done.searchParams.set('digest', digestOf(blob));
    const finished = await fetch(done, { method: 'PUT' });
    expect([finished.status, finished.headers.get('docker-content-digest')]).toEqual([201, digestOf(blob)]);
    expect((await fetch(`${registry.url}/v2/chunks/app/blobs/${digestOf(blob)}`, { method: 'HEAD' })).headers.get('content-length')).toBe(String(blob.length));

    const lying = await upload(registry, 'chunks/app', Buffer.from('these bytes'), digestOf(Buffer.from('other bytes')));
    expect([lying.status, await errorsOf(lying)]).toEqual([400, ['DIGEST_INVALID']]);
    expect((await fetch(`${registry.url}/v2/chunks/app/blobs/${digestOf(Buffer.from('other bytes'))}`, { method: 'HEAD' })).status).toBe(404);

    const dangling = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { digest: digestOf(Buffer.from('nowhere')), size: 7 }, layers: [] }));
    const refused = await fetch(`${registry.url}/v2/chunks/app/manifests/latest`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      body: dangling,
    });
    expect([refused.status, await errorsOf(refused)]).toEqual([400, ['MANIFEST_BLOB_UNKNOWN']]);
    const badName = await fetch(`${registry.url}/v2/Bad_Name/tags/list`);
    expect([badName.status, await errorsOf(badName)]).toEqual([400, ['NAME_INVALID']]);
    const badTag = await fetch(`${registry.url}/v2/chunks/app/manifests/-nope`);
    expect([badTag.status, await errorsOf(badTag)]).toEqual([400, ['TAG_INVALID']]);
  });

  test('the catalog pages with n and last, and the client follows every page', async () => {
    const paged = await startSimulatedRegistry();
    try {
      const names = Array.from({ length: 105 }, (_, index) => `team/app-${String(index).padStart(3, '0')}`);
      const builtAt = new Date('2026-02-01T00:00:00Z');
      for (const name of names) await pushImage({ registryUrl: paged.url, repository: name, tag: 'v1', basicAuth: undefined }, 'same image everywhere', builtAt);
      // The client asks for 100 per page: 105 repositories take it two pages.
      expect(await client.repositories(paged.url, anonymous)).toEqual(names);

      const firstPage = await fetch(`${paged.url}/v2/_catalog?n=2`);
      expect(await firstPage.json()).toEqual({ repositories: names.slice(0, 2) });
      expect(firstPage.headers.get('link')).toBe(`</v2/_catalog?last=${encodeURIComponent(names[1] ?? '')}&n=2>; rel="next"`);
      const lastPage = await fetch(`${paged.url}/v2/_catalog?n=2&last=${names[103] ?? ''}`);
      expect([await lastPage.json(), lastPage.headers.get('link')]).toEqual([{ repositories: names.slice(104) }, null]);
      const invalid = await fetch(`${paged.url}/v2/_catalog?n=-1`);
      expect([invalid.status, await errorsOf(invalid)]).toEqual([400, ['PAGINATION_NUMBER_INVALID']]);
    } finally {
      await paged.close();
    }
  });
});

describe('simulated registry limits and credentials', () => {
  test('a push beyond the byte cap is refused and leaves the space free', async () => {
    const small = await startSimulatedRegistry({ maxBytes: 4_096 });
    try {
      const tooBig = await upload(small, 'big/app', Buffer.alloc(8_192, 1));
      expect([tooBig.status, await errorsOf(tooBig)]).toEqual([413, ['DENIED']]);
      expect(small.usedBytes()).toBe(0);
      const pushed = await pushImage({ registryUrl: small.url, repository: 'small/app', tag: 'v1', basicAuth: undefined }, 'fits');
      expect(await client.manifest(small.url, anonymous, 'small/app', 'v1')).toEqual({ digest: pushed.digest, sizeBytes: pushed.sizeBytes });
      expect(small.usedBytes()).toBeGreaterThan(pushed.sizeBytes);
    } finally {
      await small.close();
    }
  });

  test('with Basic auth, only the right credentials get in', async () => {
    const guarded = await startSimulatedRegistry({ auth: { username: 'builder', password: 's3cret' } });
    try {
      await expect(client.check(guarded.url, anonymous)).rejects.toMatchObject({ problem: 'unauthorized', message: 'registry requires credentials' });
      await expect(client.check(guarded.url, { username: 'builder', password: 'wrong' })).rejects.toThrow(/wrong username or password/);
      await expect(pushImage({ registryUrl: guarded.url, repository: 'team/app', tag: 'v1', basicAuth: undefined }, 'no credentials')).rejects.toThrow(/401/);
      const credentials = { username: 'builder', password: 's3cret' };
      await client.check(guarded.url, credentials);
      const pushed = await pushImage(
        { registryUrl: guarded.url, repository: 'team/app', tag: 'v1', basicAuth: Buffer.from('builder:s3cret').toString('base64') },
        'with credentials',
      );
      expect(await client.repositories(guarded.url, credentials)).toEqual(['team/app']);
      expect((await client.manifest(guarded.url, credentials, 'team/app', 'v1'))?.digest).toBe(pushed.digest);
    } finally {
      await guarded.close();
    }
  });
});
