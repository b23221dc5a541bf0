import { DateResolver } from 'graphql-scalars';
import { Arg, Ctx, Extensions, FieldResolver, Resolver, Root } from 'type-graphql';
import { AppMap } from '../domains/app-maps/index.js';
import { CostReportType } from '../domains/metering/index.js';
import { UnauthenticatedError } from '../shared/errors.js';
import { fieldCost } from '../shared/field-cost.js';
import type { GatewayContext } from './context.js';

/** Where application maps meet metering: no domain imports the other, so the edge owns the field. */
@Resolver(() => AppMap)
export class AppMapCostResolver {
  // Sums a map's hourly rollups over the range: as dear as the costs query, once per map.
  @Extensions(fieldCost({ weight: 20 }))
  @FieldResolver(() => CostReportType, {
    description:
      "The map's costs per UTC day over the range, as `costs(appMapId:)` answers them — so one query shows each map's usage, cost and vulnerabilities side by side. At most 92 days; a reversed range is BAD_USER_INPUT.",
  })
  async cost(
    @Root() map: AppMap,
    @Arg('from', () => DateResolver, { description: 'First UTC day.' }) from: Date,
    @Arg('to', () => DateResolver, { description: 'Last UTC day (included).' }) to: Date,
    @Ctx() context: GatewayContext,
  ): Promise<CostReportType> {
    if (context.principal === null) throw new UnauthenticatedError();
    const report = await context.metering.costs(context.principal, { workspaceId: null, clusterId: null, appMapId: map.id }, from, to);
    return { ...report, days: report.days.map((day) => ({ ...day, currency: report.currency })) };
  }
}
