/**
 * The registry HTTP API v2 (distribution spec): ping, catalog, tags and manifests, with Basic
 * credentials or the Bearer token flow (a 401 naming a token realm), through the egress policy.
 */
import { createHash } from 'node:crypto';
import { RegistryAccessError, type ImageManifestInfo, type RegistryApi, type RegistryCredentials } from '../../domains/builds/ports.js';
import type { Egress } from '../egress/egress.js';

export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
] as const;

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
const PAGE_SIZE = 100;
const MAX_PAGES = 50;

export interface RegistryClientOptions {
  /** Registries (and the token realms they name) are user-supplied URLs: every request goes through the egress policy. */
  readonly egress: Egress;
  readonly timeoutMs?: number;
}

interface Descriptor {
  readonly mediaType?: string;
  readonly digest?: string;
  readonly size?: number;
  readonly platform?: { readonly os?: string; readonly architecture?: string };
}

interface ManifestDocument {
  readonly mediaType?: string;
  readonly config?: Descriptor;
  readonly layers?: readonly Descriptor[];
  readonly manifests?: readonly Descriptor[];
}

function basicAuth(credentials: RegistryCredentials): string | undefined {
  if (credentials.username === null || credentials.username === '') return undefined;
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password ?? ''}`).toString('base64')}`;
}

/** `Bearer realm="…",service="…",scope="…"` → its parameters. */
function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const [scheme = '', ...rest] = header.trim().split(/\s+/);
  const params: Record<string, string> = {};
  for (const match of rest.join(' ').matchAll(/(\w+)="([^"]*)"/g)) {
    if (match[1] !== undefined && match[2] !== undefined) params[match[1]] = match[2];
  }
  return { scheme: scheme.toLowerCase(), params };
}

function sizeOf(document: ManifestDocument): number {
  return (document.config?.size ?? 0) + (document.layers ?? []).reduce((total, layer) => total + (layer.size ?? 0), 0);
}

export function createRegistryClient(options: RegistryClientOptions): RegistryApi {
  const timeoutMs = options.timeoutMs ?? 10_000;
  /** Bearer tokens per (registry, scope), reused until a 401 says otherwise. */
  const tokens = new Map<string, string>();

  async function send(url: string, init: { headers?: Record<string, string>; method?: string }): Promise<Response> {
    try {
      return await options.egress.fetch(url, { ...init, timeoutMs });
    } catch {
      // The policy or the network said no; which of them, and why, is not the caller's to learn.
      throw new RegistryAccessError('unreachable', `registry ${new URL(url).origin} is not reachable`);
    }
  }

  async function fetchToken(challenge: Record<string, string>, credentials: RegistryCredentials): Promise<string> {
    const realm = challenge.realm;
    if (realm === undefined) throw new RegistryAccessError('protocol', 'registry asked for a bearer token without naming a realm');
    const tokenUrl = new URL(realm);
    if (challenge.service !== undefined) tokenUrl.searchParams.set('service', challenge.service);
    if (challenge.scope !== undefined) tokenUrl.searchParams.set('scope', challenge.scope);
    const authorization = basicAuth(credentials);
    const response = await send(tokenUrl.toString(), { headers: authorization === undefined ? {} : { authorization } });
    if (response.status === 401 || response.status === 403) throw new RegistryAccessError('unauthorized', 'registry refused the credentials');
    if (!response.ok) throw new RegistryAccessError('protocol', `token endpoint answered ${response.status}`);
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (token === undefined) throw new RegistryAccessError('protocol', 'token endpoint returned no token');
    return token;
  }

  /** GET with the credentials, answering a Bearer challenge once. */
  async function get(base: string, path: string, credentials: RegistryCredentials, headers: Record<string, string> = {}): Promise<Response> {
    const url = `${base.replace(/\/+$/, '')}${path}`;
    const cached = tokens.get(`${base} ${path}`);
    const first = await send(url, {
      headers: {
        ...headers,
        ...(cached !== undefined ? { authorization: `Bearer ${cached}` } : basicAuth(credentials) !== undefined ? { authorization: basicAuth(credentials) as string } : {}),
      },
    });
    if (first.status !== 401) return first;
    const challenge = parseChallenge(first.headers.get('www-authenticate') ?? '');
    await first.body?.cancel();
    if (challenge.scheme !== 'bearer')
      throw new RegistryAccessError('unauthorized', credentials.username ? 'registry refused the credentials (wrong username or password)' : 'registry requires credentials');
    const token = await fetchToken(challenge.params, credentials);
    tokens.set(`${base} ${path}`, token);
    const second = await send(url, { headers: { ...headers, authorization: `Bearer ${token}` } });
    if (second.status === 401) throw new RegistryAccessError('unauthorized', 'registry refused the credentials');
    return second;
  }

  async function expectOk(response: Response, what: string): Promise<Response> {
    if (response.status === 401 || response.status === 403) throw new RegistryAccessError('unauthorized', `registry refused access to ${what}`);
    if (!response.ok) {
      await response.body?.cancel();
      throw new RegistryAccessError('protocol', `registry answered ${response.status} for ${what}`);
    }
    return response;
  }

  async function readManifest(
    base: string,
    credentials: RegistryCredentials,
    repository: string,
    reference: string,
  ): Promise<{ digest: string; document: ManifestDocument } | null> {
    const response = await get(base, `/v2/${repository}/manifests/${encodeURIComponent(reference)}`, credentials, { accept: MANIFEST_MEDIA_TYPES.join(', ') });
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    await expectOk(response, `manifest ${repository}:${reference}`);
    const body = Buffer.from(await response.arrayBuffer());
    const digest = response.headers.get('docker-content-digest') ?? `sha256:${createHash('sha256').update(body).digest('hex')}`;
    return { digest, document: JSON.parse(body.toString('utf8')) as ManifestDocument };
  }

  return {
    async check(url, credentials) {
      const response = await get(url, '/v2/', credentials);
      await response.body?.cancel();
      if (response.status === 401 || response.status === 403) throw new RegistryAccessError('unauthorized', 'registry refused the credentials (wrong username or password)');
      if (!response.ok) throw new RegistryAccessError('protocol', `${url}/v2/ answered ${response.status}: not a registry API v2 endpoint`);
    },

    async repositories(url, credentials) {
      const names: string[] = [];
      let path: string | null = `/v2/_catalog?n=${PAGE_SIZE}`;
      for (let page = 0; path !== null && page < MAX_PAGES; page += 1) {
        const response = await expectOk(await get(url, path, credentials), 'the catalog');
        const body = (await response.json()) as { repositories?: string[] };
        names.push(...(body.repositories ?? []));
        // Link: </v2/_catalog?last=x&n=100>; rel="next"
        const next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '');
        path = next?.[1] ?? null;
      }
      return names;
    },

    async tags(url, credentials, repository) {
      const response = await get(url, `/v2/${repository}/tags/list`, credentials);
      if (response.status === 404) {
        await response.body?.cancel();
        return [];
      }
      const body = (await (await expectOk(response, `tags of ${repository}`)).json()) as { tags?: string[] | null };
      return [...(body.tags ?? [])].sort();
    },

    async manifest(url, credentials, repository, reference): Promise<ImageManifestInfo | null> {
      const found = await readManifest(url, credentials, repository, reference);
      if (found === null) return null;
      const { digest, document } = found;
      if (!INDEX_TYPES.has(document.mediaType ?? '') && document.manifests === undefined) return { digest, sizeBytes: sizeOf(document) };
      // A multi-platform image: the size shown is that of its linux/amd64 image (or its first one).
      const entries = document.manifests ?? [];
      const chosen = entries.find((entry) => entry.platform?.os === 'linux' && entry.platform.architecture === 'amd64') ?? entries[0];
      if (chosen?.digest === undefined) return { digest, sizeBytes: 0 };
      const platform = await readManifest(url, credentials, repository, chosen.digest);
      return { digest, sizeBytes: platform === null ? 0 : sizeOf(platform.document) };
    },
  };
}
