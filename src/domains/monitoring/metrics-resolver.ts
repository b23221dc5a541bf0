import { Arg, Authorized, Ctx, Extensions, Int, Query, Resolver } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { fieldCost } from '../../shared/field-cost.js';
import { localKeyOf } from '../../shared/global-id.js';
import { callerOf, type MonitoringContext } from './context.js';
import { MetricsHistory, MetricTarget } from './graphql-types.js';
import { coresOf, type SeriesPoint } from './model.js';

const cpuPoint = (entry: SeriesPoint) => ({ t: new Date(entry.t), avg: coresOf(entry.avg), max: coresOf(entry.max) });
const memoryPoint = (entry: SeriesPoint) => ({ t: new Date(entry.t), avg: Math.round(entry.avg), max: Math.round(entry.max) });

@Resolver()
export class MetricsResolver {
  @Authorized()
  @Extensions(fieldCost({ weight: 20 }))
  @Query(() => MetricsHistory, {
    description:
      'Usage history of a cluster, node, pod or application map, ready to chart. Fine samples (every KDA_METRICS_INTERVAL_SECONDS) for the last KDA_METRICS_FINE_RETENTION_HOURS, 1-hour rollups (avg and max) before, back to KDA_METRICS_COARSE_RETENTION_DAYS. A target the caller may not see is NOT_FOUND; a reversed range, one reaching past what is kept, or a step making more than 11000 points is BAD_USER_INPUT.',
  })
  async metrics(
    @Arg('target', () => MetricTarget, { description: 'What the history is about.' }) target: MetricTarget,
    @Arg('from', () => DateTimeResolver, { description: 'Start of the range.' }) from: Date,
    @Arg('to', () => DateTimeResolver, { description: 'End of the range; a time in the future means now.' }) to: Date,
    @Arg('step', () => Int, { nullable: true, description: 'Seconds per point. Left out: chosen so the series has at most 500 points.' }) step: number | null | undefined,
    @Ctx() context: MonitoringContext,
  ): Promise<MetricsHistory> {
    const answer = await context.monitoring.history(
      callerOf(context),
      {
        clusterId: target.clusterId === null || target.clusterId === undefined ? null : localKeyOf(target.clusterId, 'Cluster'),
        nodeName: target.nodeName,
        namespace: target.namespace,
        podName: target.podName,
        appMapId: target.appMapId === null || target.appMapId === undefined ? null : localKeyOf(target.appMapId, 'AppMap'),
      },
      from,
      to,
      step,
    );
    return {
      from: answer.from,
      to: answer.to,
      step: answer.stepSeconds,
      coarse: answer.coarse,
      cpu: answer.series.cpuMillicores.map(cpuPoint),
      memory: answer.series.memoryBytes.map(memoryPoint),
    };
  }
}
