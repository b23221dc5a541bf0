/**
 * Image references compared as Trivy writes them: `nginx:1.25` and
 * `index.docker.io/library/nginx:1.25` are the same image.
 */
export interface ImageName {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
}

export function imageNameOf(reference: string): ImageName {
  const [named = reference] = reference.split('@');
  const slash = named.indexOf('/');
  const first = slash < 0 ? '' : named.slice(0, slash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  let path = hasRegistry ? named.slice(slash + 1) : named;
  const colon = path.lastIndexOf(':');
  const tagged = colon > path.lastIndexOf('/');
  const tag = tagged ? path.slice(colon + 1) : 'latest';
  if (tagged) path = path.slice(0, colon);
  const registry = canonicalRegistry(hasRegistry ? first : '');
  // Docker Hub's official images live under library/, however the reference names the registry.
  return { registry, repository: registry === 'index.docker.io' && !path.includes('/') ? `library/${path}` : path, tag };
}

export function canonicalRegistry(server: string): string {
  return server === '' || server === 'docker.io' || server === 'registry-1.docker.io' ? 'index.docker.io' : server;
}

/** One key per image: registry, repository and tag. */
export function imageKey(name: ImageName): string {
  return `${canonicalRegistry(name.registry)}/${name.repository}:${name.tag}`;
}

/** The digest pinned in a reference (`…@sha256:…`), if any. */
export function digestOf(reference: string): string | null {
  const at = reference.indexOf('@');
  return at < 0 ? null : reference.slice(at + 1);
}
