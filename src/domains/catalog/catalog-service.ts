import { randomUUID } from 'node:crypto';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../shared/errors.js';
import { asInputErrors, CatalogInputError } from './catalog-errors.js';
import type { CatalogGate, CatalogPackageStore, CatalogVersionStore, PrincipalLike } from './ports.js';
import type { CatalogPackageRecord, CatalogVersionRecord, CatalogVersionSummary, NewCatalogPackage } from './records.js';
import { isJsonObject, jsonBytes, type JsonObject } from './rendering/json.js';
import type { ParameterCompiler } from './rendering/parameters.js';
import { renderVersion, type Rendering } from './rendering/render.js';
import { checkReferences, parseTemplates, templatesToYaml } from './rendering/templates.js';
import { checkDescription, checkIcon, checkPackageName, checkTags, checkVersion, nameKeyOf, PACKAGE_LIMITS } from './validation.js';

/** Templates as stored (JSON): the YAML limit bounds them already; this bounds what aliases may add. */
const MAX_STORED_TEMPLATE_BYTES = 2 * 1024 * 1024;
const MAX_SEARCH_LENGTH = 100;
/** A version without parameters: nothing to fill in. */
const NO_PARAMETERS: JsonObject = { type: 'object', properties: {} };

export const CATALOG_SCOPES = ['ALL', 'GLOBAL', 'WORKSPACE'] as const;
export type CatalogScope = (typeof CATALOG_SCOPES)[number];

export interface CatalogFilter {
  /** The catalog as one workspace sees it: the global packages and its own. Absent: every workspace of the caller. */
  readonly workspaceId?: string | null | undefined;
  readonly scope?: CatalogScope | null | undefined;
  readonly tag?: string | null | undefined;
  readonly search?: string | null | undefined;
}

export interface CreatePackageInput {
  /** null or absent: a global package (administrators only). */
  readonly workspaceId?: string | null | undefined;
  readonly name: string;
  readonly description?: string | null | undefined;
  readonly icon?: string | null | undefined;
  readonly tags?: readonly string[] | null | undefined;
}

export interface UpdatePackageInput {
  readonly id: string;
  readonly name?: string | null | undefined;
  readonly description?: string | null | undefined;
  /** undefined: unchanged; null or '': removed. */
  readonly icon?: string | null | undefined;
  readonly tags?: readonly string[] | null | undefined;
}

export interface VersionContent {
  readonly version: string;
  /** Kubernetes manifests as YAML, several documents. */
  readonly manifests: string;
  readonly parametersSchema?: unknown;
  readonly description?: string | null | undefined;
  /**
   * Values for the write-only parameters that have no default (a Secret's values): the version is
   * rendered with them and the defaults, to check it; they are never stored.
   */
  readonly standIns?: JsonObject | undefined;
}

export interface ImportVersionInput extends VersionContent {
  readonly packageId: string;
}

/** Where a new version goes: a package that exists, or one to create with it. */
export type VersionTarget = { readonly existing: CatalogPackageRecord } | { readonly create: NewCatalogPackage };

/** The input fields problems of a new version are blamed on (an import's own by default). */
export interface VersionFields {
  readonly manifests?: string;
  readonly parametersSchema?: string;
  /** The name of a package created with the version. */
  readonly packageName?: string;
}

export interface AddedVersion {
  readonly version: CatalogVersionRecord;
  readonly package: CatalogPackageRecord;
  /** What the checks dropped from the manifests (fields written by a cluster), one line per manifest. */
  readonly warnings: string[];
}

export interface CatalogServiceDeps {
  readonly packages: CatalogPackageStore;
  readonly versions: CatalogVersionStore;
  readonly gate: CatalogGate;
  /** Compiles parameter schemas (the wiring gives a caching one). */
  readonly compile: ParameterCompiler;
  readonly now: () => Date;
}

function matches(record: CatalogPackageRecord, tag: string | null, search: string | null): boolean {
  if (tag !== null && !record.tags.some((candidate) => candidate.toLocaleLowerCase('en-US') === tag)) return false;
  if (search === null) return true;
  return [record.name, record.description, ...record.tags].some((text) => text.toLocaleLowerCase('en-US').includes(search));
}

export class CatalogService {
  constructor(private readonly deps: CatalogServiceDeps) {}

  /** Global packages are everyone's to see; a workspace's only its members' (and administrators'). */
  private async visible(principal: PrincipalLike, record: { readonly workspaceId: string | null }): Promise<boolean> {
    return record.workspaceId === null || this.deps.gate.allows(principal, record.workspaceId, 'catalog:read');
  }

  /**
   * Another team's package looks exactly like a missing one (`missing`); a member who may read but
   * not write gets FORBIDDEN, as does anyone but an administrator for a global package.
   */
  private async requireWritable(principal: PrincipalLike, record: { readonly workspaceId: string | null }, missing: () => NotFoundError): Promise<void> {
    if (record.workspaceId === null) {
      if (!(await this.deps.gate.isSystemAdmin(principal))) throw new ForbiddenError('Only system administrators change global catalog packages');
      return;
    }
    if (!(await this.deps.gate.allows(principal, record.workspaceId, 'catalog:read'))) throw missing();
    if (!(await this.deps.gate.allows(principal, record.workspaceId, 'catalog:write')))
      throw new ForbiddenError(`Not allowed to change the catalog packages of workspace ${record.workspaceId}: DEVOPS or MANAGER only`);
  }

  async getPackage(principal: PrincipalLike, id: string, field = 'id'): Promise<CatalogPackageRecord> {
    const record = await this.deps.packages.findById(id);
    if (record === null || !(await this.visible(principal, record))) throw new NotFoundError('CatalogPackage', id, field);
    return record;
  }

  async list(principal: PrincipalLike, filter: CatalogFilter): Promise<CatalogPackageRecord[]> {
    const scope = filter.scope ?? 'ALL';
    let workspaceIds: 'ALL' | readonly string[];
    if (filter.workspaceId !== undefined && filter.workspaceId !== null) {
      const workspaceId = filter.workspaceId;
      if (!(await this.deps.gate.exists(workspaceId)) || !(await this.deps.gate.allows(principal, workspaceId, 'catalog:read')))
        throw new NotFoundError('Workspace', workspaceId, 'workspaceId');
      workspaceIds = [workspaceId];
    } else {
      const allowed = await this.deps.gate.workspacesAllowing(principal, 'catalog:read');
      workspaceIds = allowed === 'ALL' ? 'ALL' : [...allowed];
    }
    const search = filter.search?.trim().toLocaleLowerCase('en-US') || null;
    if (search !== null && search.length > MAX_SEARCH_LENGTH) throw new BadInputError('search', `at most ${MAX_SEARCH_LENGTH} characters`);
    const tag = filter.tag?.trim().toLocaleLowerCase('en-US') || null;
    const rows = await this.deps.packages.list({ global: scope !== 'WORKSPACE', workspaceIds: scope === 'GLOBAL' ? [] : workspaceIds });
    return rows.filter((record) => matches(record, tag, search));
  }

  /** Batch reads for loaders; callers check visibility with `readableWorkspaces`. */
  getPackages(ids: readonly string[]): Promise<CatalogPackageRecord[]> {
    return this.deps.packages.findByIds(ids);
  }

  /** The workspaces among these whose packages the caller may read, in one lookup. */
  readableWorkspaces(principal: PrincipalLike, workspaceIds: readonly string[]): Promise<ReadonlySet<string>> {
    return this.deps.gate.allowedAmong(principal, workspaceIds, 'catalog:read');
  }

  iconsOf(packageIds: readonly string[]): Promise<Map<string, string>> {
    return this.deps.packages.iconsOf(packageIds);
  }

  summariesOf(packageIds: readonly string[]): Promise<Map<string, CatalogVersionSummary[]>> {
    return this.deps.versions.summariesOf(packageIds);
  }

  getVersions(ids: readonly string[]): Promise<CatalogVersionRecord[]> {
    return this.deps.versions.findByIds(ids);
  }

  /** A version, visible when its package is. */
  async getVersion(principal: PrincipalLike, id: string, field = 'id'): Promise<{ version: CatalogVersionRecord; package: CatalogPackageRecord }> {
    const missing = () => new NotFoundError('CatalogPackageVersion', id, field);
    const version = await this.deps.versions.findById(id);
    const owner = version === null ? null : await this.deps.packages.findById(version.packageId);
    if (version === null || owner === null || !(await this.visible(principal, owner))) throw missing();
    return { version, package: owner };
  }

  async create(principal: PrincipalLike, input: CreatePackageInput): Promise<CatalogPackageRecord> {
    const workspaceId = input.workspaceId ?? null;
    if (workspaceId !== null && !(await this.deps.gate.exists(workspaceId))) throw new NotFoundError('Workspace', workspaceId, 'workspaceId');
    await this.requireWritable(principal, { workspaceId }, () => new NotFoundError('Workspace', workspaceId ?? '', 'workspaceId'));
    const now = this.deps.now();
    const record: NewCatalogPackage = {
      id: randomUUID(),
      workspaceId,
      name: checkPackageName(input.name),
      description: checkDescription(input.description),
      icon: checkIcon(input.icon),
      tags: checkTags(input.tags),
      createdAt: now,
      updatedAt: now,
    };
    if ((await this.deps.packages.insert(record)) === 'duplicate-name') throw this.nameTaken(record, 'name');
    const { icon: _icon, ...stored } = record;
    return stored;
  }

  async update(principal: PrincipalLike, input: UpdatePackageInput): Promise<CatalogPackageRecord> {
    const missing = () => new NotFoundError('CatalogPackage', input.id, 'id');
    const record = await this.deps.packages.findById(input.id);
    if (record === null) throw missing();
    await this.requireWritable(principal, record, missing);
    const name = input.name === undefined || input.name === null ? undefined : checkPackageName(input.name);
    const changes = {
      ...(name !== undefined ? { name } : {}),
      ...(input.description !== undefined && input.description !== null ? { description: checkDescription(input.description) } : {}),
      ...(input.icon !== undefined ? { icon: checkIcon(input.icon) } : {}),
      ...(input.tags !== undefined && input.tags !== null ? { tags: checkTags(input.tags) } : {}),
      updatedAt: this.deps.now(),
    };
    const outcome = await this.deps.packages.update(record.id, changes);
    if (outcome === 'missing') throw missing();
    if (outcome === 'duplicate-name') throw new ConflictError('name', `another package of the same owner is named ${name ?? record.name}`);
    return (await this.deps.packages.findById(record.id)) ?? { ...record, ...changes };
  }

  /** Deletes the package and every version of it. */
  async delete(principal: PrincipalLike, id: string): Promise<CatalogPackageRecord> {
    const missing = () => new NotFoundError('CatalogPackage', id, 'id');
    const record = await this.deps.packages.findById(id);
    if (record === null) throw missing();
    await this.requireWritable(principal, record, missing);
    if (!(await this.deps.packages.delete(id))) throw missing();
    return record;
  }

  /** A package the caller may add versions to: another team's is missing (NOT_FOUND naming `field`), a reader's FORBIDDEN. */
  async writablePackage(principal: PrincipalLike, id: string, field = 'packageId'): Promise<CatalogPackageRecord> {
    const missing = () => new NotFoundError('CatalogPackage', id, field);
    const owner = await this.deps.packages.findById(id);
    if (owner === null) throw missing();
    await this.requireWritable(principal, owner, missing);
    return owner;
  }

  /**
   * A package to create together with its first version (see `addVersion`): checked — the rights,
   * the fields, a name free in the owner's catalog — and not written yet. Fields are named under `field`.
   */
  async newPackage(principal: PrincipalLike, workspaceId: string | null, input: Omit<CreatePackageInput, 'workspaceId' | 'icon'>, field: string): Promise<VersionTarget> {
    if (workspaceId !== null && !(await this.deps.gate.exists(workspaceId))) throw new NotFoundError('Workspace', workspaceId, 'workspaceId');
    await this.requireWritable(principal, { workspaceId }, () => new NotFoundError('Workspace', workspaceId ?? '', 'workspaceId'));
    const now = this.deps.now();
    const record: NewCatalogPackage = {
      id: randomUUID(),
      workspaceId,
      name: checkPackageName(input.name, `${field}.name`),
      description: checkDescription(input.description, `${field}.description`),
      icon: null,
      tags: checkTags(input.tags, `${field}.tags`),
      createdAt: now,
      updatedAt: now,
    };
    const taken = await this.deps.packages.list({ global: workspaceId === null, workspaceIds: workspaceId === null ? [] : [workspaceId] });
    if (taken.some((other) => other.workspaceId === workspaceId && nameKeyOf(other.name) === nameKeyOf(record.name))) throw this.nameTaken(record, `${field}.name`);
    return { create: record };
  }

  private nameTaken(record: NewCatalogPackage, field: string): ConflictError {
    return new ConflictError(field, `${record.workspaceId === null ? 'the global catalog' : `workspace ${record.workspaceId}`} already has a package named ${record.name}`);
  }

  /** The version string checked, and free in the target package (CONFLICT otherwise): to refuse early, before costly work. */
  async checkNewVersion(target: VersionTarget, value: string): Promise<string> {
    const version = checkVersion(value);
    if ('existing' in target) {
      const taken = (await this.deps.versions.summariesOf([target.existing.id])).get(target.existing.id) ?? [];
      if (taken.some((summary) => summary.version === version)) throw new ConflictError('version', `package ${target.existing.name} already has version ${version}`);
    }
    return version;
  }

  /**
   * Imports a version from manifests and a parameters schema: every check first (the version
   * string, the schema and its defaults, each manifest, each placeholder, and — when the defaults
   * fill every required parameter — a full render with them), then one row written, or nothing.
   */
  async importVersion(principal: PrincipalLike, input: ImportVersionInput): Promise<AddedVersion> {
    const owner = await this.deps.packages.findById(input.packageId);
    if (owner === null) throw new NotFoundError('CatalogPackage', input.packageId, 'packageId');
    return this.addVersion(principal, { existing: owner }, input);
  }

  /**
   * Adds a version to a package, or creates the package with it: the checks of an import (input
   * errors name `fields`), then the rows. A package created here is removed again if its version
   * cannot be stored, so a failure leaves nothing behind.
   */
  async addVersion(principal: PrincipalLike, target: VersionTarget, content: VersionContent, fields: VersionFields = {}): Promise<AddedVersion> {
    const owner = 'existing' in target ? target.existing : target.create;
    await this.requireWritable(principal, owner, () => new NotFoundError('CatalogPackage', owner.id, 'packageId'));
    const { record, warnings } = this.prepareVersion(owner, content, fields);
    if ('create' in target && (await this.deps.packages.insert(target.create)) === 'duplicate-name') throw this.nameTaken(target.create, fields.packageName ?? 'name');
    let outcome: Awaited<ReturnType<CatalogVersionStore['insert']>>;
    try {
      outcome = await this.deps.versions.insert(record);
    } catch (error) {
      // The store's error is what the caller needs; a failed clean-up must not replace it.
      if ('create' in target) await this.deps.packages.delete(owner.id).catch(() => false);
      throw error;
    }
    if (outcome !== 'inserted' && 'create' in target) await this.deps.packages.delete(owner.id);
    if (outcome === 'duplicate-version') throw new ConflictError('version', `package ${owner.name} already has version ${record.version}`);
    if (outcome === 'missing-package') throw new NotFoundError('CatalogPackage', owner.id, 'packageId');
    const { icon: _icon, ...stored } = owner as NewCatalogPackage;
    return { version: record, package: stored, warnings };
  }

  /** Every check of a new version, nothing written: the row to insert and what the import dropped. */
  private prepareVersion(owner: CatalogPackageRecord, content: VersionContent, fields: VersionFields): { record: CatalogVersionRecord; warnings: string[] } {
    const schemaField = fields.parametersSchema ?? 'parametersSchema';
    const manifestsField = fields.manifests ?? 'manifests';
    const version = checkVersion(content.version);
    const description = checkDescription(content.description, 'description', PACKAGE_LIMITS.maxVersionDescriptionLength) || null;
    const compiled = asInputErrors(() => this.deps.compile(content.parametersSchema ?? NO_PARAMETERS), { schema: schemaField });
    const defaults = asInputErrors(() => compiled.defaults(), { schema: schemaField });
    const { documents, warnings } = asInputErrors(() => parseTemplates(content.manifests), { manifests: manifestsField });
    asInputErrors(() => checkReferences(documents, (path) => compiled.declares(path)), { manifests: manifestsField });
    if (jsonBytes(documents) > MAX_STORED_TEMPLATE_BYTES)
      throw new CatalogInputError(manifestsField, `the manifests expand to more than ${MAX_STORED_TEMPLATE_BYTES / (1024 * 1024)} MiB`);
    const probe = content.standIns ?? (defaults.complete ? {} : null);
    if (probe !== null) {
      asInputErrors(() => renderVersion({ templates: documents, parametersSchema: compiled.schema }, probe, () => compiled), {
        manifests: manifestsField,
        values: schemaField,
        prefix: 'rendered with the default values, ',
      });
    }
    const record: CatalogVersionRecord = {
      id: randomUUID(),
      packageId: owner.id,
      version,
      description,
      templates: documents,
      parametersSchema: compiled.schema,
      createdAt: this.deps.now(),
    };
    return { record, warnings };
  }

  async deleteVersion(principal: PrincipalLike, id: string): Promise<{ version: CatalogVersionRecord; package: CatalogPackageRecord }> {
    const missing = () => new NotFoundError('CatalogPackageVersion', id, 'id');
    const version = await this.deps.versions.findById(id);
    const owner = version === null ? null : await this.deps.packages.findById(version.packageId);
    if (version === null || owner === null) throw missing();
    await this.requireWritable(principal, owner, missing);
    if (!(await this.deps.versions.delete(id))) throw missing();
    return { version, package: owner };
  }

  /**
   * The objects a version renders to with `values`, in apply order: what a deploy will apply.
   * Bad values are BAD_USER_INPUT naming `<valuesField>.<parameter>` — also when a value passes the
   * schema but makes an invalid manifest (a name with capitals); a fault of the template names it.
   */
  render(version: CatalogVersionRecord, values: unknown, valuesField = 'values'): Rendering {
    if (values !== undefined && values !== null && !isJsonObject(values)) throw new CatalogInputError(valuesField, 'must be an object of named values');
    return asInputErrors(() => renderVersion(version, values ?? {}, this.deps.compile), { values: valuesField, manifests: 'templates', blameValues: true });
  }

  /** The schema's defaults alone (what a form starts from). */
  defaultsOf(version: CatalogVersionRecord): JsonObject {
    return this.deps.compile(version.parametersSchema).defaults().values;
  }

  /** The version's manifests as YAML; importing it gives the same version. */
  exportYaml(version: CatalogVersionRecord): string {
    return templatesToYaml(version.templates);
  }
}
