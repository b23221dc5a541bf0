import { DateResolver } from 'graphql-scalars';
import { Arg, Ctx, Extensions, FieldResolver, Resolver, Root } from 'type-graphql';
import { AppMap } from '../domains/app-maps/index.js';
import { Cluster } from '../domains/clusters/index.js';
import { CostReportType, type CostRequest } from '../domains/metering/index.js';
import { Workspace } from '../domains/workspaces/index.js';
import { UnauthenticatedError } from '../shared/errors.js';
import { fieldCost } from '../shared/field-cost.js';
import type { GatewayContext } from './context.js';

/**
 * Costs beside the objects they are about — maps, workspaces, clusters — so a dashboard shows
 * usage, cost and health in one round trip. No domain imports another, so the edge owns the fields;
 * each answers exactly what `costs(...)` answers for that object, with the same access rules.
 */

const RANGE_RULES = 'At most 92 days; a reversed range is BAD_USER_INPUT.';

async function costOf(context: GatewayContext, request: CostRequest, from: Date, to: Date): Promise<CostReportType> {
  if (context.principal === null) throw new UnauthenticatedError();
  const report = await context.metering.costs(context.principal, request, from, to);
  return { ...report, days: report.days.map((day) => ({ ...day, currency: report.currency })) };
}

const fromArg = () => Arg('from', () => DateResolver, { description: 'First UTC day.' });
const toArg = () => Arg('to', () => DateResolver, { description: 'Last UTC day (included).' });
// Sums the object's hourly rollups over the range: as dear as the costs query, once per object.
const COST_WEIGHT = fieldCost({ weight: 20 });

@Resolver(() => AppMap)
export class AppMapCostResolver {
  @Extensions(COST_WEIGHT)
  @FieldResolver(() => CostReportType, {
    description: `The map's costs per UTC day over the range, as \`costs(appMapId:)\` answers them — so one query shows each map's usage, cost and vulnerabilities side by side. ${RANGE_RULES}`,
  })
  cost(@Root() map: AppMap, @fromArg() from: Date, @toArg() to: Date, @Ctx() context: GatewayContext): Promise<CostReportType> {
    return costOf(context, { workspaceId: null, clusterId: null, appMapId: map.id }, from, to);
  }
}

@Resolver(() => Workspace)
export class WorkspaceCostResolver {
  @Extensions(COST_WEIGHT)
  @FieldResolver(() => CostReportType, {
    nullable: true,
    description: `What the workspace's pods and volumes cost per UTC day over the range, as \`costs(workspaceId:)\` answers it (the sum of its maps' plus what runs outside a map): what each team consumes, side by side in \`workspaces\`. ${RANGE_RULES}`,
  })
  cost(@Root() workspace: Workspace, @fromArg() from: Date, @toArg() to: Date, @Ctx() context: GatewayContext): Promise<CostReportType> {
    return costOf(context, { workspaceId: workspace.id, clusterId: null, appMapId: null }, from, to);
  }
}

@Resolver(() => Cluster)
export class ClusterCostResolver {
  @Extensions(COST_WEIGHT)
  @FieldResolver(() => CostReportType, {
    nullable: true,
    description: `What the whole cluster costs per UTC day over the range, as \`costs(clusterId:)\` answers it (every workspace's share, what no workspace holds, and idle capacity). Administrators only: for anyone else null with FORBIDDEN, since a cluster's figure includes other workspaces'. ${RANGE_RULES}`,
  })
  cost(@Root() cluster: Cluster, @fromArg() from: Date, @toArg() to: Date, @Ctx() context: GatewayContext): Promise<CostReportType> {
    return costOf(context, { workspaceId: null, clusterId: cluster.id, appMapId: null }, from, to);
  }
}
