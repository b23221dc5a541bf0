/**
 * Pushes a small but real image to a registry through its HTTP API v2 blob upload and manifest
 * endpoints: one gzipped tar layer, an image config, a Docker v2 manifest. Standalone (the
 * simulator imports nothing from the gateway).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export interface PushTarget {
  /** http(s)://host:port of the registry. */
  readonly registryUrl: string;
  readonly repository: string;
  readonly tag: string;
  /** Basic credentials (user:password, base64), or none. */
  readonly basicAuth: string | undefined;
}

export interface PushedImage {
  readonly digest: string;
  readonly sizeBytes: number;
}

function digestOf(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A one-file ustar archive (512-byte header, content padded to 512, two zero blocks). */
export function tarWithOneFile(name: string, content: Buffer, modifiedAt: Date): Buffer {
  const header = Buffer.alloc(512, 0);
  const write = (value: string, offset: number, length: number) => header.write(value.slice(0, length), offset, length, 'ascii');
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, '0');
  write(name, 0, 100);
  write(octal(0o644, 8), 100, 8);
  write(octal(0, 8), 108, 8);
  write(octal(0, 8), 116, 8);
  write(octal(content.length, 12), 124, 12);
  write(octal(Math.floor(modifiedAt.getTime() / 1000), 12), 136, 12);
  write('        ', 148, 8);
  write('0', 156, 1);
  write('ustar', 257, 6);
  write('00', 263, 2);
  let checksum = 0;
  for (const byte of header) checksum += byte;
  write(`${octal(checksum, 7)}\0`, 148, 8);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512, 0);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024, 0)]);
}

/** The image's parts; the content depends on what was built, so each build has its own digest. */
export function buildImage(description: string, builtAt: Date): { config: Buffer; layer: Buffer; manifest: Buffer } {
  const tar = tarWithOneFile('app/build-info.txt', Buffer.from(`${description}\nbuilt ${builtAt.toISOString()}\n`), builtAt);
  const layer = gzipSync(tar);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: builtAt.toISOString(),
      config: { Cmd: ['/bin/sh', '-c', 'cat /app/build-info.txt'], WorkingDir: '/app' },
      rootfs: { type: 'layers', diff_ids: [digestOf(tar)] },
      history: [{ created: builtAt.toISOString(), created_by: description }],
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: digestOf(config) },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.length, digest: digestOf(layer) }],
    }),
  );
  return { config, layer, manifest };
}

async function expect(response: Response, what: string, statuses: readonly number[]): Promise<Response> {
  if (!statuses.includes(response.status)) {
    const body = await response.text().catch(() => '');
    throw new Error(`${what}: registry answered ${response.status} ${body.slice(0, 200)}`.trim());
  }
  return response;
}

async function uploadBlob(target: PushTarget, headers: Record<string, string>, blob: Buffer): Promise<void> {
  const base = target.registryUrl.replace(/\/+$/, '');
  const digest = digestOf(blob);
  const exists = await fetch(`${base}/v2/${target.repository}/blobs/${digest}`, { method: 'HEAD', headers });
  if (exists.status === 200) return;
  const started = await expect(await fetch(`${base}/v2/${target.repository}/blobs/uploads/`, { method: 'POST', headers }), 'starting a blob upload', [202]);
  await started.body?.cancel();
  const location = started.headers.get('location');
  if (location === null) throw new Error('registry started an upload without a Location');
  const uploadUrl = new URL(location, base);
  uploadUrl.searchParams.set('digest', digest);
  const finished = await fetch(uploadUrl, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(blob.length) },
    body: blob,
  });
  await (await expect(finished, `uploading blob ${digest}`, [201])).body?.cancel();
}

export async function pushImage(target: PushTarget, description: string, builtAt = new Date()): Promise<PushedImage> {
  const headers: Record<string, string> = target.basicAuth === undefined ? {} : { authorization: `Basic ${target.basicAuth}` };
  const { config, layer, manifest } = buildImage(description, builtAt);
  await uploadBlob(target, headers, layer);
  await uploadBlob(target, headers, config);
  const base = target.registryUrl.replace(/\/+$/, '');
  const put = await fetch(`${base}/v2/${target.repository}/manifests/${encodeURIComponent(target.tag)}`, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' },
    body: manifest,
  });
  await (await expect(put, `pushing manifest ${target.repository}:${target.tag}`, [201])).body?.cancel();
  return { digest: digestOf(manifest), sizeBytes: config.length + layer.length };
}
