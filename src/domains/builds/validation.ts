import { BadInputError } from '../../shared/errors.js';
import { BUILD_PRESETS, REGISTRY_KINDS, type BuildArg, type BuildPreset, type RegistryKind } from './records.js';

/** Every build goes through the same steps; the preset decides what happens inside them. */
export const BUILD_STEPS = ['clone', 'prepare', 'dependencies', 'compile', 'image', 'push'] as const;

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Distribution's repository name grammar (path components separated by slashes). */
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
/** One path component of a repository name: a registry project (Harbor project, Docker Hub namespace). */
const PROJECT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
export const MAX_PROJECT_LENGTH = 63;
/** A git ref: branch, tag or commit, without the characters git refuses. */
// eslint-disable-next-line no-control-regex -- git refuses control characters in refs; so does this check.
const REF = /^(?!\/)(?!.*\/\/)(?!.*\.\.)(?!.*@\{)[^\s~^:?*[\\\x00-\x1f\x7f]{1,200}(?<![/.])$/;
const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._/~-]+$/;

export function checkName(field: string, value: string): string {
  const name = value.trim();
  if (name.length === 0 || name.length > 63 || !NAME.test(name))
    throw new BadInputError(field, 'must be 1-63 lowercase letters, digits or dashes, starting and ending with a letter or digit');
  return name;
}

export function checkProject(field: string, value: string): string {
  const project = value.trim();
  if (project.length === 0 || project.length > MAX_PROJECT_LENGTH || !PROJECT.test(project))
    throw new BadInputError(
      field,
      `must be one path component of a repository name (1-${MAX_PROJECT_LENGTH} lowercase letters and digits, separated by ".", "_" or "-"), got ${JSON.stringify(value.slice(0, 80))}`,
    );
  return project;
}

/** A build pushes under its workspace's project of the registry only: `<project>/<name>`. */
export function checkRepositoryInProject(field: string, repository: string, project: string, registryName: string): void {
  if (!repository.startsWith(`${project}/`))
    throw new BadInputError(field, `must be under ${project}/, the workspace's project in registry ${registryName} (e.g. ${project}/${repository.split('/').at(-1) ?? 'app'})`);
}

export function checkRegistryKind(value: string): RegistryKind {
  if (!(REGISTRY_KINDS as readonly string[]).includes(value)) throw new BadInputError('kind', `must be one of ${REGISTRY_KINDS.join(', ')}, got ${JSON.stringify(value)}`);
  return value as RegistryKind;
}

export function checkRegistryUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new BadInputError('url', `is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BadInputError('url', 'must be an http:// or https:// URL of the registry');
  if (url.username !== '' || url.password !== '') throw new BadInputError('url', 'must not carry credentials: use username and password');
  if (url.search !== '' || url.hash !== '') throw new BadInputError('url', 'must not have a query or fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/v2$/, '')}`;
}

export type SourceKind = 'http' | 'git';

/** http(s), git:// and ssh URLs, or scp-like `git@host:path`; returns the kind for the reachability check. */
export function checkSourceUrl(value: string): { url: string; kind: SourceKind } {
  const trimmed = value.trim();
  if (SCP_LIKE.test(trimmed)) return { url: trimmed, kind: 'git' };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new BadInputError('sourceUrl', `is not a repository URL (http(s)://, git://, ssh:// or git@host:path): ${JSON.stringify(value)}`);
  }
  if (url.hostname === '') throw new BadInputError('sourceUrl', 'names no host');
  if (url.protocol === 'http:' || url.protocol === 'https:') return { url: trimmed, kind: 'http' };
  if (url.protocol === 'git:' || url.protocol === 'ssh:') return { url: trimmed, kind: 'git' };
  throw new BadInputError('sourceUrl', `must be an http(s)://, git:// or ssh:// repository URL, got ${url.protocol}`);
}

const BUILD_ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const MAX_BUILD_ARGS = 50;

/** Names as Dockerfile ARGs allow; values of one line (each becomes one `--build-arg`). */
export function checkBuildArgs(args: ReadonlyArray<{ name: string; value: string }> | null | undefined): BuildArg[] {
  const list = args ?? [];
  if (list.length > MAX_BUILD_ARGS) throw new BadInputError('buildArgs', `at most ${MAX_BUILD_ARGS} build arguments`);
  const seen = new Set<string>();
  return list.map(({ name, value }) => {
    if (!BUILD_ARG_NAME.test(name))
      throw new BadInputError('buildArgs', `${JSON.stringify(name)} is not a build argument name (letters, digits, underscores; not starting with a digit)`);
    if (seen.has(name)) throw new BadInputError('buildArgs', `${name} is given twice`);
    seen.add(name);
    if (value.length > 4096 || /[\n\r\0]/.test(value)) throw new BadInputError('buildArgs', `the value of ${name} must be one line of at most 4096 characters`);
    return { name, value };
  });
}

export function checkRef(value: string): string {
  const ref = value.trim();
  if (!REF.test(ref) || ref.endsWith('.lock')) throw new BadInputError('ref', `is not a valid git branch, tag or commit: ${JSON.stringify(value)}`);
  return ref;
}

export function checkPreset(preset: string, dockerfile: string | null | undefined): { preset: BuildPreset; dockerfile: string | null } {
  if (!(BUILD_PRESETS as readonly string[]).includes(preset)) throw new BadInputError('preset', `unknown preset ${JSON.stringify(preset)}: use one of ${BUILD_PRESETS.join(', ')}`);
  const path = dockerfile?.trim() || null;
  if (preset === 'DOCKERFILE') {
    if (path === null) throw new BadInputError('dockerfile', 'is required with preset DOCKERFILE (a path inside the repository)');
    if (path.startsWith('/') || path.split('/').includes('..') || path.length > 500) throw new BadInputError('dockerfile', 'must be a relative path inside the repository');
    return { preset, dockerfile: path };
  }
  if (path !== null) throw new BadInputError('dockerfile', `is only used with preset DOCKERFILE; preset ${preset} generates its own`);
  return { preset: preset as BuildPreset, dockerfile: null };
}

export function checkImageRepository(value: string): string {
  const repository = value.trim();
  if (repository.length === 0 || repository.length > 255 || !REPOSITORY.test(repository))
    throw new BadInputError('imageRepository', 'must be a registry repository name: lowercase path components like team/app');
  return repository;
}
