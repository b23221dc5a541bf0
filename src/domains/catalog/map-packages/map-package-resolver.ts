import { Arg, Authorized, Ctx, Extensions, Mutation, Resolver } from 'type-graphql';
import { localKeyOf } from '../../../shared/global-id.js';
import { callerOf } from '../context.js';
import { toCatalogPackage, toPackageVersion } from '../mappers.js';
import type { MapPackagesContext } from './context.js';
import { SaveAppMapAsPackageInput, SaveAppMapAsPackagePayload } from './inputs.js';

@Resolver()
export class MapPackageResolver {
  @Authorized()
  @Extensions({ audit: { targetType: 'AppMap', targetIdArg: 'appMapId' } })
  @Mutation(() => SaveAppMapAsPackagePayload, {
    description:
      'Saves what an application map runs now as a new version of a catalog package ("save as package"): its workloads (a Job a CronJob started excepted), the Services in front of them, the ConfigMaps, Secrets and claims their pods use and the Ingresses to those Services, read whole from the cluster; stripped of what the cluster wrote (status, uids, allocated addresses and node ports, claim bindings, the release labels); with parameters for each container’s image and each workload’s replicas (defaults: what runs now), each claim’s size and storage class. A Secret’s values are never saved: each is a write-only parameter to give at deploy. The version is checked as an import is. Needs read access to the map and DEVOPS or MANAGER in its workspace; nothing is written when a check fails.',
  })
  async saveAppMapAsPackage(
    @Arg('input', () => SaveAppMapAsPackageInput, { description: 'The map, the package and the version.' }) input: SaveAppMapAsPackageInput,
    @Ctx() context: MapPackagesContext,
  ): Promise<SaveAppMapAsPackagePayload> {
    const saved = await context.mapPackages.save(callerOf(context), {
      appMapId: localKeyOf(input.appMapId, 'AppMap'),
      packageId: input.packageId === undefined || input.packageId === null ? null : localKeyOf(input.packageId, 'CatalogPackage'),
      newPackage: input.newPackage,
      version: input.version,
      description: input.description,
    });
    return Object.assign(new SaveAppMapAsPackagePayload(), {
      packageVersion: toPackageVersion(saved.version),
      catalogPackage: toCatalogPackage(saved.package),
      warnings: saved.warnings,
    });
  }
}
