import { BadInputError, DomainError, NotFoundError } from '../../../shared/errors.js';
import type { AddedVersion, CatalogService, VersionTarget } from '../catalog-service.js';
import type { PrincipalLike } from '../ports.js';
import type { JsonObject } from '../rendering/json.js';
import { TEMPLATE_KINDS } from '../rendering/manifest-rules.js';
import { templatesToYaml } from '../rendering/templates.js';
import { ClusterRequestError, type ObjectRef } from '../releases/ports.js';
import { clusterRefusal } from '../releases/release-errors.js';
import { CaptureProblem, packageObjects } from './package-objects.js';
import type { AppMapSource, ClusterObjects, MapFacts } from './ports.js';
import { ingressServices, ownedByCronJob, referencesOf } from './references.js';

export interface SaveAppMapRequest {
  readonly appMapId: string;
  /** An existing package of the map's workspace (or a global one, for administrators)… */
  readonly packageId?: string | null | undefined;
  /** …or one to create in the map's workspace. */
  readonly newPackage?: { readonly name: string; readonly description?: string | null | undefined; readonly tags?: readonly string[] | null | undefined } | null | undefined;
  readonly version: string;
  readonly description?: string | null | undefined;
}

export interface MapPackageServiceDeps {
  readonly catalog: CatalogService;
  readonly maps: AppMapSource;
  readonly objects: ClusterObjects;
}

/** Reads at once against one apiserver. */
const READ_CONCURRENCY = 8;

async function inBatches<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += READ_CONCURRENCY) results.push(...(await Promise.all(items.slice(start, start + READ_CONCURRENCY).map(work))));
  return results;
}

const given = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

/**
 * "Save as package": what an application map runs now, read whole from its cluster's apiserver,
 * stored as a new catalog version — cleaned of what the cluster wrote, with parameters for what
 * changes between deploys. Every check (rights, target, version, the map's objects, the version
 * itself) comes before anything is written.
 */
export class MapPackageService {
  constructor(private readonly deps: MapPackageServiceDeps) {}

  async save(principal: PrincipalLike, input: SaveAppMapRequest): Promise<AddedVersion> {
    const { catalog } = this.deps;
    if (given(input.packageId) === given(input.newPackage))
      throw new BadInputError('packageId', 'give either packageId (a package to add the version to) or newPackage (one to create)');
    const map = await this.deps.maps.read(principal, input.appMapId);
    if (map === null) throw new NotFoundError('AppMap', input.appMapId, 'appMapId');
    const target = given(input.packageId)
      ? await this.existingTarget(principal, input.packageId, map)
      : await catalog.newPackage(principal, map.workspaceId, input.newPackage!, 'newPackage');
    const version = await catalog.checkNewVersion(target, input.version);
    const collected = await this.collect(map);
    let packaged;
    try {
      packaged = packageObjects(collected.objects, { source: `application map ${map.name}` });
    } catch (error) {
      if (error instanceof CaptureProblem) throw new BadInputError('appMapId', error.message);
      throw error;
    }
    const added = await catalog.addVersion(
      principal,
      target,
      {
        version,
        manifests: templatesToYaml(packaged.templates),
        parametersSchema: packaged.parametersSchema,
        description: input.description,
        standIns: packaged.standIns,
      },
      { manifests: 'appMapId', parametersSchema: 'appMapId', packageName: 'newPackage.name' },
    );
    return { ...added, warnings: [...collected.warnings, ...packaged.warnings, ...added.warnings] };
  }

  /** A package of the map's workspace, or a global one; another workspace's is refused even when the caller sees it. */
  private async existingTarget(principal: PrincipalLike, packageId: string, map: MapFacts): Promise<VersionTarget> {
    const owner = await this.deps.catalog.getPackage(principal, packageId, 'packageId');
    if (owner.workspaceId !== null && owner.workspaceId !== map.workspaceId)
      throw new BadInputError('packageId', `package ${owner.name} belongs to another workspace than application map ${map.name}: save into a package of the map's workspace`);
    return { existing: await this.deps.catalog.writablePackage(principal, owner.id) };
  }

  private async read(map: MapFacts, kind: string, name: string): Promise<JsonObject | null> {
    const ref: ObjectRef = { apiVersion: TEMPLATE_KINDS[kind]![0]!, kind, namespace: map.namespace, name };
    try {
      const object = await this.deps.objects.read(map.clusterId, ref);
      return object === null ? null : { ...object, apiVersion: ref.apiVersion, kind };
    } catch (error) {
      throw clusterRefusal(error, ref, 'read', 'appMapId', map.clusterId);
    }
  }

  /** Objects read by name; those gone since the caches saw them (or never there) are left out, saying so when the pods need them. */
  private async readAll(map: MapFacts, kind: string, names: Iterable<string>, warnings: string[], usedBy?: ReadonlyMap<string, boolean>): Promise<JsonObject[]> {
    const found = await inBatches([...names].sort(), async (name) => ({ name, object: await this.read(map, kind, name) }));
    for (const { name } of found.filter((entry) => entry.object === null)) {
      if (usedBy?.get(name) !== true)
        warnings.push(`${kind} ${name}: not in the cluster (${usedBy === undefined ? 'gone since the map was drawn' : "the map's pods name it"}); left out`);
    }
    return found.flatMap((entry) => (entry.object === null ? [] : [entry.object]));
  }

  /** The map's workloads, their Services, the ConfigMaps, Secrets and claims their pods use, and the Ingresses in front of those Services. */
  private async collect(map: MapFacts): Promise<{ objects: JsonObject[]; warnings: string[] }> {
    if (map.state === 'UNAVAILABLE')
      throw new DomainError('UNAVAILABLE', `Cannot read application map ${map.name} now: ${map.reason ?? 'its cluster is not connected'}`, { clusterId: map.clusterId });
    if (map.state === 'UNREADABLE') throw new BadInputError('appMapId', `application map ${map.name} cannot be read: ${map.reason ?? 'unknown reason'}`);
    const noWorkload = () => new BadInputError('appMapId', `application map ${map.name} holds no workload to save${map.reason === null ? '' : ` (${map.reason})`}`);
    const facts = map.workloads.filter((workload) => !(workload.kind === 'Job' && workload.ownerKind === 'CronJob') && TEMPLATE_KINDS[workload.kind] !== undefined);
    if (facts.length === 0) throw noWorkload();
    const warnings: string[] = [];
    const workloads: JsonObject[] = [];
    for (const kind of new Set(facts.map((fact) => fact.kind)))
      workloads.push(
        ...(await this.readAll(
          map,
          kind,
          facts.filter((fact) => fact.kind === kind).map((fact) => fact.name),
          warnings,
        )),
      );
    const kept = workloads.filter((workload) => !ownedByCronJob(workload));
    if (kept.length === 0) throw noWorkload();
    const configMaps = new Map<string, boolean>();
    const secrets = new Map<string, boolean>();
    const claims = new Map<string, boolean>();
    const merge = (into: Map<string, boolean>, from: ReadonlyMap<string, boolean>) => {
      for (const [name, optional] of from) into.set(name, (into.get(name) ?? true) && optional);
    };
    for (const workload of kept) {
      const references = referencesOf(workload);
      merge(configMaps, references.configMaps);
      merge(secrets, references.secrets);
      merge(claims, new Map([...references.claims].map((name) => [name, false])));
    }
    const services = await this.readAll(map, 'Service', map.services, warnings);
    const serviceNames = new Set(services.map((service) => (service.metadata as JsonObject).name));
    return {
      objects: [
        ...kept,
        ...services,
        ...(await this.readAll(map, 'ConfigMap', configMaps.keys(), warnings, configMaps)),
        ...(await this.readAll(map, 'Secret', secrets.keys(), warnings, secrets)),
        ...(await this.readAll(map, 'PersistentVolumeClaim', claims.keys(), warnings, claims)),
        ...(await this.ingresses(map)).filter((ingress) => ingressServices(ingress).some((name) => serviceNames.has(name))),
      ],
      warnings,
    };
  }

  /** The namespace's Ingresses; none when the cluster serves no networking.k8s.io/v1 Ingress. */
  private async ingresses(map: MapFacts): Promise<JsonObject[]> {
    const kind = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: map.namespace };
    try {
      return await this.deps.objects.list(map.clusterId, kind);
    } catch (error) {
      if (error instanceof ClusterRequestError && error.reason === 'NOT_FOUND') return [];
      throw clusterRefusal(error, { ...kind, name: '' }, 'list', 'appMapId', map.clusterId);
    }
  }
}
