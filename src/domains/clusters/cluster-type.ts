import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { Node } from '../../shared/node.js';
import type { NamespaceScope, StorageClassScope } from '../../shared/access.js';
import type { ClusterProvider, ClusterState } from './cluster-record.js';
import { ClusterProviderEnum, ClusterStateEnum } from './graphql-types.js';
import type { ClusterSnapshot } from './cluster-service.js';

@ObjectType({ implements: Node, description: 'A Kubernetes cluster registered with the gateway. Live figures come from its watches, never from a per-request API call.' })
export class Cluster {
  @Field(() => ID, { description: 'Global id of the cluster.' })
  id!: string;

  @Field({ description: 'Unique name (lowercase letters, digits, dashes).' })
  name!: string;

  @Field(() => ClusterProviderEnum, { description: 'Where the cluster runs.' })
  provider!: ClusterProvider;

  @Field({ description: 'Region or site, e.g. Seoul or asia-northeast1.' })
  region!: string;

  @Field(() => ClusterStateEnum, { description: 'Health of the connection to the cluster.' })
  status!: ClusterState;

  @Field(() => String, { nullable: true, description: 'Why the cluster is not RUNNING, when it is not.' })
  statusReason!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Last time the gateway heard from the API server.' })
  lastSeenAt!: string | null;

  @Field(() => String, { nullable: true, description: 'Kubernetes version of the API server, e.g. v1.31.4.' })
  version!: string | null;

  /** Not a field: the record and informer caches behind the lazily resolved fields. */
  snapshot!: ClusterSnapshot;

  /** Not a field: the namespaces the caller may see in this cluster. */
  namespaceScope!: NamespaceScope;

  /** Not a field: the storage classes the caller may see in this cluster. */
  storageClassScope!: StorageClassScope;
}
