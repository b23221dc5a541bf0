import { Field, ID, InputType } from 'type-graphql';
import type { ClusterProvider } from './cluster-record.js';
import { ClusterProviderEnum } from './graphql-types.js';

@InputType({ description: 'A cluster to connect, by kubeconfig.' })
export class RegisterClusterInput {
  @Field({
    description:
      'Kubeconfig YAML. Token, client-certificate and CA data are supported; exec and auth-provider plugins are refused unless the administrator allowed them. Stored encrypted; never returned.',
  })
  kubeconfig!: string;

  @Field(() => String, { nullable: true, description: 'Context of the kubeconfig to use; its current context when omitted.' })
  context?: string | null;

  @Field({ description: 'Unique name: 1-63 lowercase letters, digits or dashes.' })
  name!: string;

  @Field(() => ClusterProviderEnum, { description: 'Where the cluster runs.' })
  provider!: ClusterProvider;

  @Field({ description: 'Region or site, e.g. Seoul or asia-northeast1.' })
  region!: string;
}

@InputType({ description: 'Changes to a registered cluster; omitted fields stay as they are.' })
export class UpdateClusterInput {
  @Field(() => ID, { description: 'Cluster to change.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New unique name.' })
  name?: string | null;

  @Field(() => ClusterProviderEnum, { nullable: true, description: 'Where the cluster runs.' })
  provider?: ClusterProvider | null;

  @Field(() => String, { nullable: true, description: 'Region or site.' })
  region?: string | null;

  @Field(() => String, { nullable: true, description: 'A new kubeconfig (e.g. rotated credentials); checked against the cluster before it replaces the old one.' })
  kubeconfig?: string | null;

  @Field(() => String, { nullable: true, description: 'Context of the kubeconfig to use; null for its current context.' })
  context?: string | null;
}

@InputType({ description: 'A cluster to stop watching and forget.' })
export class RemoveClusterInput {
  @Field(() => ID, { description: 'Cluster to remove.' })
  id!: string;
}
