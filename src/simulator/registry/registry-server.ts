/**
 * A simulated OCI registry over real HTTP on loopback: enough of the Docker Registry HTTP API v2
 * (distribution spec) for the gateway's registry client and the simulator's build pusher — ping,
 * catalog and tags with `n`/`last` paging, manifests kept byte for byte, blobs, chunked and
 * monolithic uploads with digest checks, cross-repository mounts — in memory, under a byte cap,
 * optionally behind Basic auth. Standalone: nothing here imports from domains or infra.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkDigest, checkReference, checkRepositoryName, RegistryError, RegistryStorage } from './storage.js';

export interface SimulatedRegistryOptions {
  /** Loopback by default; the port is picked by the system unless given. */
  readonly host?: string;
  readonly port?: number;
  /** Every request must carry these Basic credentials. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** Cap on stored bytes (blobs, manifests, uploads in progress); default 256 MiB. */
  readonly maxBytes?: number;
}

export interface SimulatedRegistry {
  /** http://127.0.0.1:port */
  readonly url: string;
  /** Bytes held now. */
  usedBytes(): number;
  close(): Promise<void>;
}

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
const MAX_PAGE = 1000;
const REALM = 'kda-simulated-registry';

type Handler = (request: IncomingMessage, response: ServerResponse, url: URL, match: RegExpExecArray) => Promise<void>;

interface Route {
  readonly pattern: RegExp;
  readonly methods: Readonly<Record<string, Handler>>;
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body?: Buffer | string): void {
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
  response.writeHead(status, {
    'docker-distribution-api-version': 'registry/2.0',
    ...(payload === undefined ? { 'content-length': '0' } : { 'content-length': String(payload.length) }),
    ...headers,
  });
  response.end(payload);
}

function sendJson(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(response, status, { 'content-type': 'application/json; charset=utf-8', ...headers }, JSON.stringify(value));
}

function sendError(response: ServerResponse, error: RegistryError, extraHeaders: Record<string, string> = {}): void {
  sendJson(response, error.status, { errors: [{ code: error.code, message: error.message, detail: null }] }, extraHeaders);
}

/** Reads the body, refusing (413) beyond `limit` bytes so a large push cannot outgrow the cap. */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) throw new RegistryError(413, 'DENIED', `body of ${declared} bytes exceeds the ${limit} bytes the registry can still take`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new RegistryError(413, 'DENIED', `body exceeds the ${limit} bytes the registry can still take`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** A path segment as the client percent-encoded it (`sha256%3A…`). */
function decoded(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    throw new RegistryError(400, 'NAME_INVALID', `malformed path segment ${JSON.stringify(segment)}`);
  }
}

/** `n` and `last` of a paged list: at most MAX_PAGE entries per page. */
function page(url: URL, entries: readonly string[], linkPath: string): { entries: string[]; link: Record<string, string> } {
  const rawN = url.searchParams.get('n');
  const n = rawN === null || rawN === '' ? MAX_PAGE : Number(rawN);
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE) throw new RegistryError(400, 'PAGINATION_NUMBER_INVALID', `n must be an integer from 0 to ${MAX_PAGE}`);
  const last = url.searchParams.get('last');
  const after = last === null ? entries : entries.filter((entry) => entry > last);
  const chosen = after.slice(0, n);
  const lastChosen = chosen.at(-1);
  const link: Record<string, string> =
    after.length > chosen.length && lastChosen !== undefined ? { link: `<${linkPath}?last=${encodeURIComponent(lastChosen)}&n=${n}>; rel="next"` } : {};
  return { entries: chosen, link };
}

function basicCredentialsMatch(header: string | undefined, expected: { username: string; password: string }): boolean {
  if (header === undefined || !/^basic\s+/i.test(header)) return false;
  const given = Buffer.from(header.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
  // Hashing first gives equal lengths, so the comparison time says nothing about the secret.
  const hash = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(hash(given), hash(`${expected.username}:${expected.password}`));
}

function createRoutes(storage: RegistryStorage): Route[] {
  const uploadHeaders = (name: string, upload: { id: string; size: number }) => ({
    location: `/v2/${name}/blobs/uploads/${upload.id}`,
    'docker-upload-uuid': upload.id,
    range: `0-${Math.max(0, upload.size - 1)}`,
  });
  const blobCreated = (response: ServerResponse, name: string, digest: string) => send(response, 201, { location: `/v2/${name}/blobs/${digest}`, 'docker-content-digest': digest });

  const readManifest: Handler = async (request, response, _url, match) => {
    const name = checkRepositoryName(decoded(match[1]));
    const reference = checkReference(decoded(match[2]));
    const manifest = storage.manifest(name, reference);
    if (manifest === undefined) throw new RegistryError(404, 'MANIFEST_UNKNOWN', `manifest ${name}:${reference} is unknown`);
    const headers = { 'content-type': manifest.contentType, 'docker-content-digest': manifest.digest, etag: `"${manifest.digest}"` };
    if (request.method === 'HEAD') {
      response.writeHead(200, { ...headers, 'docker-distribution-api-version': 'registry/2.0', 'content-length': String(manifest.bytes.length) });
      response.end();
      return;
    }
    send(response, 200, headers, manifest.bytes);
  };

  const readBlob: Handler = async (request, response, _url, match) => {
    const name = checkRepositoryName(decoded(match[1]));
    const digest = checkDigest(decoded(match[2]));
    const blob = storage.blob(name, digest);
    if (blob === undefined) throw new RegistryError(404, 'BLOB_UNKNOWN', `blob ${digest} is unknown to ${name}`);
    const headers = { 'content-type': 'application/octet-stream', 'docker-content-digest': digest, etag: `"${digest}"` };
    if (request.method === 'HEAD') {
      response.writeHead(200, { ...headers, 'docker-distribution-api-version': 'registry/2.0', 'content-length': String(blob.length) });
      response.end();
      return;
    }
    send(response, 200, headers, blob);
  };

  /** PATCH and PUT both append their body; a Content-Range must continue the upload. */
  const appendBody = async (request: IncomingMessage, upload: ReturnType<RegistryStorage['upload']>) => {
    const range = /^(?:bytes[ =])?(\d+)-(\d+)$/.exec(String(request.headers['content-range'] ?? ''));
    const chunk = await readBody(request, storage.remaining());
    if (chunk.length > 0 || range !== null) storage.append(upload, chunk, range?.[1] === undefined ? undefined : Number(range[1]));
  };

  return [
    { pattern: /^\/v2\/?$/, methods: { GET: async (_request, response) => sendJson(response, 200, {}) } },
    {
      pattern: /^\/v2\/_catalog$/,
      methods: {
        GET: async (_request, response, url) => {
          const { entries, link } = page(url, storage.catalog(), '/v2/_catalog');
          sendJson(response, 200, { repositories: entries }, link);
        },
      },
    },
    {
      pattern: /^\/v2\/(.+)\/tags\/list$/,
      methods: {
        GET: async (_request, response, url, match) => {
          const name = checkRepositoryName(decoded(match[1]));
          const tags = storage.tags(name);
          if (tags === undefined) throw new RegistryError(404, 'NAME_UNKNOWN', `repository ${name} is unknown`);
          const { entries, link } = page(url, tags, `/v2/${name}/tags/list`);
          sendJson(response, 200, { name, tags: entries }, link);
        },
      },
    },
    {
      pattern: /^\/v2\/(.+)\/manifests\/([^/]+)$/,
      methods: {
        GET: readManifest,
        HEAD: readManifest,
        PUT: async (request, response, _url, match) => {
          const name = checkRepositoryName(decoded(match[1]));
          const reference = checkReference(decoded(match[2]));
          const contentType =
            String(request.headers['content-type'] ?? '')
              .split(';')[0]
              ?.trim() ?? '';
          if (contentType === '') throw new RegistryError(400, 'MANIFEST_INVALID', 'a manifest needs its media type as Content-Type');
          const stored = storage.putManifest(name, reference, await readBody(request, 4 * 1024 * 1024), contentType);
          send(response, 201, { location: `/v2/${name}/manifests/${stored.digest}`, 'docker-content-digest': stored.digest });
        },
      },
    },
    {
      pattern: /^\/v2\/(.+)\/blobs\/uploads\/?$/,
      methods: {
        POST: async (request, response, url, match) => {
          const name = checkRepositoryName(decoded(match[1]));
          const mount = url.searchParams.get('mount');
          const from = url.searchParams.get('from');
          if (mount !== null && from !== null && storage.mount(name, checkDigest(mount), checkRepositoryName(from))) {
            blobCreated(response, name, mount);
            return;
          }
          const upload = storage.startUpload(name);
          const digest = url.searchParams.get('digest');
          if (digest === null) {
            send(response, 202, uploadHeaders(name, upload));
            return;
          }
          // A monolithic upload: the whole blob in the POST.
          try {
            await appendBody(request, upload);
            storage.completeUpload(upload, checkDigest(digest));
          } finally {
            storage.cancelUpload(upload);
          }
          blobCreated(response, name, digest);
        },
      },
    },
    {
      pattern: /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/,
      methods: {
        GET: async (_request, response, _url, match) => {
          const name = checkRepositoryName(decoded(match[1]));
          send(response, 204, uploadHeaders(name, storage.upload(name, decoded(match[2]))));
        },
        PATCH: async (request, response, _url, match) => {
          const name = checkRepositoryName(decoded(match[1]));
          const upload = storage.upload(name, decoded(match[2]));
          await appendBody(request, upload);
          send(response, 202, uploadHeaders(name, upload));
        },
        PUT: async (request, response, url, match) => {
          const name = checkRepositoryName(decoded(match[1]));
          const upload = storage.upload(name, decoded(match[2]));
          const digest = url.searchParams.get('digest');
          if (digest === null) throw new RegistryError(400, 'DIGEST_INVALID', 'completing an upload needs ?digest=');
          try {
            checkDigest(digest);
            await appendBody(request, upload);
            storage.completeUpload(upload, digest);
          } catch (error) {
            // A failed completion ends the upload (as distribution does): its bytes are freed.
            storage.cancelUpload(upload);
            throw error;
          }
          blobCreated(response, name, digest);
        },
        DELETE: async (_request, response, _url, match) => {
          const name = checkRepositoryName(decoded(match[1]));
          storage.cancelUpload(storage.upload(name, decoded(match[2])));
          send(response, 204, {});
        },
      },
    },
    { pattern: /^\/v2\/(.+)\/blobs\/([^/]+)$/, methods: { GET: readBlob, HEAD: readBlob } },
  ];
}

export async function startSimulatedRegistry(options: SimulatedRegistryOptions = {}): Promise<SimulatedRegistry> {
  const storage = new RegistryStorage(options.maxBytes ?? DEFAULT_MAX_BYTES);
  const routes = createRoutes(storage);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (options.auth !== undefined && !basicCredentialsMatch(request.headers.authorization, options.auth)) {
      request.resume();
      sendError(response, new RegistryError(401, 'UNAUTHORIZED', 'authentication required'), { 'www-authenticate': `Basic realm="${REALM}"` });
      return;
    }
    const url = new URL(request.url ?? '/', 'http://registry.invalid');
    for (const route of routes) {
      const match = route.pattern.exec(url.pathname);
      if (match === null) continue;
      const handler = route.methods[request.method ?? ''];
      if (handler === undefined) throw new RegistryError(405, 'UNSUPPORTED', `${request.method ?? '?'} is not supported on ${url.pathname}`);
      await handler(request, response, url, match);
      return;
    }
    throw new RegistryError(404, 'UNSUPPORTED', `no registry endpoint at ${url.pathname}`);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const failure = error instanceof RegistryError ? error : new RegistryError(500, 'UNSUPPORTED', error instanceof Error ? error.message : String(error));
      if (response.headersSent) {
        response.destroy();
        return;
      }
      // The body may not have been read (e.g. refused for size): close rather than reuse the connection.
      sendError(response, failure, request.complete ? {} : { connection: 'close' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    usedBytes: () => storage.used(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        // Idle keep-alive sockets (fetch keeps them) would hold close() open.
        server.closeAllConnections();
      }),
  };
}
