import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ConnectionArgs } from '../../../shared/connection-types.js';
import { UnauthenticatedError } from '../../../shared/errors.js';
import { localKeyOf } from '../../../shared/global-id.js';
import { paginate, type PagingContext } from '../../../shared/pagination.js';
import type { AlertService } from './alert-service.js';
import { Alert, AlertConnection, ALERTS_OPEN_THEN_NEWEST, AlertStateEnum, AlertThresholds, SetAlertThresholdsInput, SetAlertThresholdsPayload } from './graphql-types.js';
import type { AlertPrincipal } from './ports.js';
import type { AlertRecord, AlertState, AlertThresholds as ThresholdRecord } from './records.js';

/** The part of the per-request context alerts read. */
export interface AlertsContext extends PagingContext {
  readonly principal: AlertPrincipal | null;
  readonly alerts: AlertService;
}

function toAlert(record: AlertRecord): Alert {
  const { fingerprint: _fingerprint, workspaceId: _workspaceId, ...fields } = record;
  return Object.assign(new Alert(), fields);
}

const toThresholds = (record: ThresholdRecord): AlertThresholds => Object.assign(new AlertThresholds(), record);

@Resolver(() => Alert)
export class AlertResolver {
  @Authorized()
  @Query(() => AlertConnection, {
    description:
      'What needs a human now in what is allotted to the workspace — nodes not Ready on its clusters, crash-looping pods and unavailable workloads in its namespaces — open ones first, then newest first, with their history (resolved alerts are kept 30 days; at most the newest 1000 are listed). Every member reads them; another workspace is NOT_FOUND.',
  })
  async alerts(
    @Arg('workspaceId', () => ID, { description: 'The workspace.' }) workspaceId: string,
    @Arg('state', () => AlertStateEnum, { defaultValue: 'OPEN', description: 'Open ones (default), resolved ones, or all.' }) state: AlertState,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() context: AlertsContext,
  ): Promise<AlertConnection> {
    if (context.principal === null) throw new UnauthenticatedError();
    const records = await context.alerts.list(context.principal, localKeyOf(workspaceId, 'Workspace'), state);
    return paginate(context, 'Query.alerts', page, records.map(toAlert), ALERTS_OPEN_THEN_NEWEST, (alert) => alert);
  }

  @Authorized()
  @Query(() => AlertThresholds, { description: 'The workspace’s usage thresholds (both null until set). Every member reads them; another workspace is NOT_FOUND.' })
  async alertThresholds(@Arg('workspaceId', () => ID, { description: 'The workspace.' }) workspaceId: string, @Ctx() context: AlertsContext): Promise<AlertThresholds> {
    if (context.principal === null) throw new UnauthenticatedError();
    return toThresholds(await context.alerts.thresholds(context.principal, localKeyOf(workspaceId, 'Workspace')));
  }

  @Authorized()
  @Mutation(() => SetAlertThresholdsPayload, {
    description:
      'Sets the workspace’s usage thresholds: a node of its clusters whose CPU or memory (latest sample) exceeds them, in percent of its allocatable, opens a USAGE_OVER_THRESHOLD alert only this workspace sees. Each 0-100 (BAD_USER_INPUT naming the field otherwise); null turns it off. MANAGERs and administrators; another member gets FORBIDDEN.',
  })
  async setAlertThresholds(
    @Arg('input', () => SetAlertThresholdsInput, { description: 'The workspace and its thresholds.' }) input: SetAlertThresholdsInput,
    @Ctx() context: AlertsContext,
  ): Promise<SetAlertThresholdsPayload> {
    if (context.principal === null) throw new UnauthenticatedError();
    const stored = await context.alerts.setThresholds(context.principal, localKeyOf(input.workspaceId, 'Workspace'), {
      cpuPercent: input.cpuPercent ?? null,
      memoryPercent: input.memoryPercent ?? null,
    });
    return { thresholds: toThresholds(stored) };
  }
}
