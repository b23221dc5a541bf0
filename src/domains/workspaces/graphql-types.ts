import { DateTimeResolver } from 'graphql-scalars';
import { Extensions, Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { globalIdOf, Node } from '../../shared/node.js';
import type { WorkspaceRole } from './records.js';

export const WorkspaceRoleEnum = { MANAGER: 'MANAGER', DEVOPS: 'DEVOPS', OPERATOR: 'OPERATOR', VIEWER: 'VIEWER' } as const satisfies { [K in WorkspaceRole]: K };
registerEnumType(WorkspaceRoleEnum, {
  name: 'WorkspaceRole',
  description: "A member's role in a workspace. Rights apply to the clusters and namespaces allotted to the workspace only.",
  valuesConfig: {
    MANAGER: { description: 'Everything an OPERATOR may do, and manages the workspace and its members.' },
    DEVOPS: { description: 'Sees the allotted clusters and operates workloads in them (builds and deployments as they come).' },
    OPERATOR: { description: 'Sees the allotted clusters and operates workloads in them: scale, restart, delete pods.' },
    VIEWER: { description: 'Sees the allotted clusters and what runs in them; changes nothing.' },
  },
});

@ObjectType({
  implements: Node,
  description: "A team's space: its members, and the clusters (or namespaces of them) allotted to it. Members see only what their workspaces are allotted.",
})
export class Workspace {
  @Field(() => ID, { description: 'Global id of the workspace.' })
  id!: string;

  @Field({ description: 'Unique name.' })
  name!: string;

  @Field({
    description:
      "Unique short name, set at creation and never changed: its builds run in the build cluster's namespace kda-builds-<slug>, and it is the workspace's project in a registry unless allotted another.",
  })
  slug!: string;

  @Field(() => String, { nullable: true, description: 'What the workspace is for; null when not described.' })
  description!: string | null;

  @Field(() => DateTimeResolver, { description: 'When it was created.' })
  createdAt!: string;

  @Field(() => DateTimeResolver, { description: 'When its name or description last changed.' })
  updatedAt!: string;
}

@ObjectType({ implements: Node, description: "A user's membership of a workspace." })
export class Member {
  @Field(() => ID, { description: 'Global id of the membership (the workspace and the user).' })
  id!: string;

  /** Not a field: resolved to `user` through the identity loader. */
  userId!: string;

  /** Not a field. */
  workspaceId!: string;

  @Field(() => WorkspaceRoleEnum, { description: 'What the member may do in the workspace.' })
  role!: WorkspaceRole;

  @Field(() => DateTimeResolver, { description: 'When the user joined the workspace.' })
  addedAt!: string;
}

@ObjectType({ implements: Node, description: 'A cluster allotted to a workspace, whole or limited to some namespaces.' })
export class ClusterAllotment {
  @Field(() => ID, { description: 'Global id of the allotment (the workspace and the cluster).' })
  id!: string;

  @Extensions(globalIdOf('Workspace'))
  @Field(() => ID, { description: 'The workspace it is allotted to.' })
  workspaceId!: string;

  @Extensions(globalIdOf('Cluster'))
  @Field(() => ID, { description: 'The allotted cluster.' })
  clusterId!: string;

  @Field(() => [String], { nullable: true, description: 'The namespaces allotted, sorted; null: every namespace of the cluster.' })
  namespaces!: string[] | null;

  @Field(() => DateTimeResolver, { description: 'When it was first allotted.' })
  allottedAt!: string;
}

@ObjectType({
  implements: Node,
  description:
    'A storage class of an allotted cluster, allotted to a workspace with an optional quota. Members limited to namespaces see only the storage classes allotted to them.',
})
export class StorageAllotment {
  @Field(() => ID, { description: 'Global id of the allotment (the workspace, the cluster and the storage class).' })
  id!: string;

  @Extensions(globalIdOf('Workspace'))
  @Field(() => ID, { description: 'The workspace it is allotted to.' })
  workspaceId!: string;

  @Extensions(globalIdOf('Cluster'))
  @Field(() => ID, { description: 'The cluster the storage class belongs to.' })
  clusterId!: string;

  @Field({ description: 'The allotted storage class.' })
  storageClassName!: string;

  @Field(() => Float, { nullable: true, description: "Bytes the workspace's claims of this class may request in all; null: unlimited." })
  quotaBytes!: number | null;

  @Field(() => DateTimeResolver, { description: 'When it was first allotted.' })
  allottedAt!: string;
}
