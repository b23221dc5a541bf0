import { Ctx, Extensions, FieldResolver, Resolver, Root } from 'type-graphql';
import { AppMap, mapWorkloadsOf } from '../domains/app-maps/index.js';
import { BuildRun } from '../domains/builds/index.js';
import { Workload } from '../domains/clusters/index.js';
import { ImageVulnerabilities, toImageVulnerabilities, toVulnerabilitySummary, VulnerabilitySummary } from '../domains/monitoring/vulnerabilities/index.js';
import { fieldCost } from '../shared/field-cost.js';
import type { GatewayContext } from './context.js';

// Each reads the namespace's reports from the caches and follows their owners: a few objects' worth.
const NAMESPACE_SCAN = fieldCost({ weight: 3 });
// Looks through the reports of every cluster the caller may see.
const EVERY_CLUSTER_SCAN = fieldCost({ weight: 10 });

/** Where image security meets workloads: no domain imports another, so the edge owns this field. */
@Resolver(() => Workload)
export class WorkloadVulnerabilitiesResolver {
  @Extensions(NAMESPACE_SCAN)
  @FieldResolver(() => [ImageVulnerabilities], {
    description:
      'What Trivy Operator found in its images: one entry per image scanned (reports of its ReplicaSets or Jobs are followed up to it). Empty while a scan is pending, and on a cluster without Trivy Operator.',
  })
  async vulnerabilities(@Root() workload: Workload, @Ctx() context: GatewayContext): Promise<ImageVulnerabilities[]> {
    const scope = await context.access();
    return context.vulnerabilities.forWorkload(workload.clusterId, workload, scope).map(toImageVulnerabilities);
  }
}

@Resolver(() => AppMap)
export class AppMapVulnerabilitiesResolver {
  @Extensions(NAMESPACE_SCAN)
  @FieldResolver(() => VulnerabilitySummary, {
    description: 'What Trivy Operator found in the images its workloads run: counts summed over its distinct images, and each image. Empty on a cluster without Trivy Operator.',
  })
  async vulnerabilities(@Root() map: AppMap, @Ctx() context: GatewayContext): Promise<VulnerabilitySummary> {
    const [scope, workloads] = await Promise.all([context.access(), mapWorkloadsOf(context, map.record)]);
    return toVulnerabilitySummary(context.vulnerabilities.forWorkloads(map.clusterId, map.namespace, workloads, scope));
  }
}

@Resolver(() => BuildRun)
export class BuildRunVulnerabilitiesResolver {
  @Extensions(EVERY_CLUSTER_SCAN)
  @FieldResolver(() => ImageVulnerabilities, {
    nullable: true,
    description:
      'What Trivy Operator found in the image it pushed, once the image runs somewhere the caller may see: the newest report matching its digest, else its repository and tag. Null until then.',
  })
  async vulnerabilities(@Root() run: BuildRun, @Ctx() context: GatewayContext): Promise<ImageVulnerabilities | null> {
    const found = context.vulnerabilities.forImage(run.image, run.imageDigest, await context.access());
    return found === null ? null : toImageVulnerabilities(found);
  }
}
