import { isInterfaceType, isObjectType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema, type AuthChecker } from 'type-graphql';
import { ClusterFieldsResolver, ClusterResolver, NodeResolver, PodResolver, WorkloadResolver } from '../domains/clusters/index.js';
import { ApiTokenResolver, checkScope, IdentityResolver } from '../domains/identity/index.js';
import { ForbiddenError, UnauthenticatedError } from '../shared/errors.js';
import { AuditResolver, WorkspaceResolver } from '../domains/workspaces/index.js';
import { auditMutations } from './audit-middleware.js';
import { BuildResolver, BuildRunResolver, RegistryRepositoryResolver, RegistryResolver } from '../domains/builds/index.js';
import { CatalogPackageResolver, CatalogPackageVersionResolver, MapPackageResolver, ReleaseResolver, ReleaseRevisionResolver } from '../domains/catalog/index.js';
import { AppMapResolver } from '../domains/app-maps/index.js';
import { MetricsLiveResolver, MetricsResolver } from '../domains/monitoring/index.js';
import { MeteringResolver } from '../domains/metering/index.js';
import { AppMapUsageResolver, ClusterUsageResolver, NodeUsageResolver, PodUsageResolver, WorkloadUsageResolver } from './usage-resolver.js';
import { AppMapNeighboursResolver } from './app-map-neighbours-resolver.js';
import { NodeAppMapsResolver } from './node-app-maps-resolver.js';
import { AppMapCostResolver, ClusterCostResolver, WorkspaceCostResolver } from './cost-field-resolvers.js';
import { AlertResolver } from '../domains/monitoring/alerts/index.js';
import { AppMapVulnerabilitiesResolver, BuildRunVulnerabilitiesResolver, WorkloadVulnerabilitiesResolver } from './vulnerabilities-resolver.js';
import { ImageVulnerabilitiesResolver } from '../domains/monitoring/vulnerabilities/index.js';
import { AppMapReleaseResolver, ReleaseAppMapResolver } from './app-map-release-resolver.js';
import type { GatewayContext } from './context.js';
import { WorkspaceBuildsResolver } from './workspace-builds-resolver.js';
import { MemberUserResolver, UserWorkspacesResolver } from './workspace-members-resolver.js';
import { ClusterAllotmentResolver, WorkspaceClustersResolver } from './workspace-clusters-resolver.js';
import { StorageAllotmentResolver } from './workspace-storage-resolver.js';
import { enforceDeadlines } from './cost/deadline.js';
import { encodeGlobalIds } from './global-ids.js';
import { NODE_LOOKUPS } from './node-lookups.js';
import { GlobalNodeResolver } from './node-resolver.js';
import { nodeTypeOf } from '../shared/node.js';
import { dropPassThroughResolvers } from './plain-fields.js';

export const SCHEMA_FILE = 'schema/schema.graphql';

/**
 * `@Authorized()` needs a caller; `@Authorized('ADMIN')` a system administrator, as the caller's
 * access scope (the workspaces domain) says: the one place that decides.
 */
const authChecker: AuthChecker<GatewayContext> = async ({ context, info }, roles) => {
  if (context.principal === null) throw new UnauthenticatedError();
  // API tokens without `write` may read but not change: checked here, once, for every field.
  checkScope(context.principal, info.operation.operation);
  if (roles.length === 0 || (roles.includes('ADMIN') && (await context.access()).isSystemAdmin)) return true;
  throw new ForbiddenError();
};

const ROOT_DESCRIPTIONS = {
  Query: 'Reads: clusters and what runs on them, as the caller may see them.',
  Mutation:
    'Changes, each shaped `name(input: NameInput!): NamePayload!`: the payload carries the changed object as it is after the change (a deletion: the deleted id). ' +
    "Each checks the caller's role and either applies completely or not at all. An expected failure is an entry of the response's `errors` with `extensions.code` " +
    '(BAD_USER_INPUT, NOT_FOUND, CONFLICT, FORBIDDEN, UNAUTHENTICATED, UNAVAILABLE) and, when one input field is to blame, `extensions.field`: its path inside `input`, e.g. `name` or `namespaces`.',
  Subscription:
    'Live events over websocket (graphql-transport-ws on the same /graphql path). A MODIFIED event that changes nothing the subscription selected (its cursor aside) is not sent. ' +
    'A subscriber that stops reading is ended with an error whose `extensions.code` is RESYNC_REQUIRED and `extensions.lastCursor` the cursor of the last event it was given: subscribe again with `after: lastCursor` to miss nothing.',
} as const;

export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [
      IdentityResolver,
      MeteringResolver,
      ApiTokenResolver,
      ClusterResolver,
      ClusterFieldsResolver,
      NodeResolver,
      PodResolver,
      WorkloadResolver,
      WorkspaceResolver,
      WorkspaceClustersResolver,
      WorkspaceBuildsResolver,
      ClusterAllotmentResolver,
      StorageAllotmentResolver,
      MemberUserResolver,
      UserWorkspacesResolver,
      AuditResolver,
      RegistryResolver,
      RegistryRepositoryResolver,
      BuildResolver,
      BuildRunResolver,
      CatalogPackageResolver,
      CatalogPackageVersionResolver,
      ReleaseResolver,
      ReleaseRevisionResolver,
      MapPackageResolver,
      AppMapResolver,
      AppMapNeighboursResolver,
      NodeAppMapsResolver,
      AppMapCostResolver,
      ClusterCostResolver,
      WorkspaceCostResolver,
      AlertResolver,
      WorkloadVulnerabilitiesResolver,
      AppMapVulnerabilitiesResolver,
      BuildRunVulnerabilitiesResolver,
      ImageVulnerabilitiesResolver,
      AppMapReleaseResolver,
      ReleaseAppMapResolver,
      GlobalNodeResolver,
      MetricsResolver,
      MetricsLiveResolver,
      ClusterUsageResolver,
      NodeUsageResolver,
      PodUsageResolver,
      AppMapUsageResolver,
      WorkloadUsageResolver,
    ],
    authChecker,
    validate: false,
    // One time scalar for the whole graph: a resolver typed `Date` gets the same DateTime as the explicit fields.
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    // Every subscription brings its own `subscribe` (fed by the subscription hub); type-graphql still
    // insists on a PubSub, so it gets one that refuses topic-based use.
    pubSub: {
      publish: () => {
        throw new Error('topic-based subscriptions are not used: publish through the event bus');
      },
      subscribe: () => {
        throw new Error('topic-based subscriptions are not used: subscribe through the subscription hub');
      },
    },
  });
  // First: the wrappers below then wrap only resolvers that do work.
  dropPassThroughResolvers(schema);
  // Inside the audit: the log records the arguments as the client sent them.
  auditMutations(schema);
  encodeGlobalIds(schema);
  enforceDeadlines(schema);
  requireNodeLookups(schema);
  // type-graphql has no way to describe the root types; the docs pane starts there.
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (root) root.description = ROOT_DESCRIPTIONS[root.name as keyof typeof ROOT_DESCRIPTIONS];
  }
  return schema;
}

/** `node(id:)` must find every type that implements Node: a type added without a lookup fails here. */
function requireNodeLookups(schema: GraphQLSchema): void {
  const node = schema.getType('Node');
  if (!isInterfaceType(node)) throw new Error('the schema has no Node interface');
  const missing = schema.getPossibleTypes(node).filter((type) => isObjectType(type) && NODE_LOOKUPS[type.name] === undefined);
  if (missing.length > 0) throw new Error(`no node lookup for ${missing.map((type) => type.name).join(', ')}`);
  // type-graphql makes every resolveType async; graphql-jit (compiled queries) cannot resolve an
  // abstract list item from a promised type name, and the tag is known at once anyway.
  node.resolveType = (value) => nodeTypeOf(value);
}

/** The SDL checked in at schema/schema.graphql: sorted, so it diffs cleanly. */
export function printGatewaySchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
