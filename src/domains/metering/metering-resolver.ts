import { DateResolver } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Extensions, ID, Mutation, Query, Resolver } from 'type-graphql';
import { fieldCost } from '../../shared/field-cost.js';
import { localKeyOf } from '../../shared/global-id.js';
import { meteringCallerOf, type MeteringContext } from './context.js';
import { CostReportType, PriceTableInputType, PriceTableType } from './graphql-types.js';

@Resolver()
export class MeteringResolver {
  @Authorized()
  @Query(() => [PriceTableType], {
    description: 'Price tables by provider and region: those administrators set, and the built-in defaults (published list prices, USD) where none is set.',
  })
  async priceTables(@Ctx() context: MeteringContext): Promise<PriceTableType[]> {
    meteringCallerOf(context);
    return context.metering.priceTables();
  }

  @Authorized()
  @Mutation(() => PriceTableType, {
    description:
      'Sets the prices of a provider and region (administrators only, FORBIDDEN otherwise). A missing or negative price, or a currency that is not an ISO 4217 code, is BAD_USER_INPUT naming the field.',
  })
  async setPriceTable(
    @Arg('input', () => PriceTableInputType, { description: 'The prices.' }) input: PriceTableInputType,
    @Ctx() context: MeteringContext,
  ): Promise<PriceTableType> {
    return context.metering.setPriceTable(meteringCallerOf(context), input);
  }

  @Authorized()
  @Extensions(fieldCost({ weight: 20 }))
  @Query(() => CostReportType, {
    description:
      "Costs per UTC day of a workspace, a cluster or an application map (exactly one): each pod-hour charged the larger of its average usage and its requests, volumes on their requested size. A cluster adds its idle capacity, and its figure is the sum of its workspaces', the unallotted pods' and idle. At most 92 days; a reversed range is BAD_USER_INPUT; a workspace, map or cluster the caller may not see is NOT_FOUND; a cluster’s costs are for administrators (FORBIDDEN for a member who sees it).",
  })
  async costs(
    @Arg('workspaceId', () => ID, { nullable: true, description: 'The workspace (its pods in the namespaces its allotments hold).' }) workspaceId: string | null | undefined,
    @Arg('clusterId', () => ID, { nullable: true, description: 'The cluster (every pod, plus idle capacity).' }) clusterId: string | null | undefined,
    @Arg('appMapId', () => ID, { nullable: true, description: "The application map (its workloads' pods, matched by name as in its usage history)." })
    appMapId: string | null | undefined,
    @Arg('from', () => DateResolver, { description: 'First UTC day.' }) from: Date,
    @Arg('to', () => DateResolver, { description: 'Last UTC day (included).' }) to: Date,
    @Ctx() context: MeteringContext,
  ): Promise<CostReportType> {
    const report = await context.metering.costs(
      meteringCallerOf(context),
      {
        workspaceId: workspaceId === null || workspaceId === undefined ? null : localKeyOf(workspaceId, 'Workspace'),
        clusterId: clusterId === null || clusterId === undefined ? null : localKeyOf(clusterId, 'Cluster'),
        appMapId: appMapId === null || appMapId === undefined ? null : localKeyOf(appMapId, 'AppMap'),
      },
      from,
      to,
    );
    return { ...report, days: report.days.map((day) => ({ ...day, currency: report.currency })) };
  }
}
