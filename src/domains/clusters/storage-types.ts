import { GraphQLJSONObject, DateTimeResolver } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Node } from '../../shared/node.js';

@ObjectType({ description: 'A port a service exposes.' })
export class ServicePort {
  @Field(() => String, { nullable: true, description: 'Port name.' })
  name!: string | null;

  @Field({ description: 'TCP, UDP or SCTP.' })
  protocol!: string;

  @Field(() => Int, { description: 'Port the service listens on.' })
  port!: number;

  @Field(() => String, { nullable: true, description: 'Port (number or name) on the pods.' })
  targetPort!: string | null;

  @Field(() => Int, { nullable: true, description: 'Port opened on every node (NodePort and LoadBalancer).' })
  nodePort!: number | null;
}

@ObjectType({ implements: Node, description: 'A Kubernetes Service.' })
export class Service {
  @Field(() => ID, { description: 'Global id: unique across clusters; an object recreated under the same name gets a new one.' })
  id!: string;

  @Field({ description: 'Name.' })
  name!: string;

  @Field({ description: 'Namespace.' })
  namespace!: string;

  @Field({ description: 'ClusterIP, NodePort, LoadBalancer or ExternalName.' })
  type!: string;

  @Field(() => String, { nullable: true, description: 'Virtual IP inside the cluster.' })
  clusterIP!: string | null;

  @Field(() => [String], { description: 'External addresses (load balancer ingress or external IPs).' })
  externalIPs!: string[];

  @Field(() => [ServicePort], { description: 'Exposed ports.' })
  ports!: ServicePort[];

  @Field(() => GraphQLJSONObject, { description: 'Labels that select the pods behind the service.' })
  selector!: Record<string, string>;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the service was created.' })
  createdAt!: string | null;
}

@ObjectType({ description: 'The claim a persistent volume is bound to.' })
export class ClaimRef {
  @Field({ description: 'Namespace of the claim.' })
  namespace!: string;

  @Field({ description: 'Name of the claim.' })
  name!: string;
}

@ObjectType({ implements: Node, description: 'A PersistentVolume: storage provisioned in the cluster.' })
export class PersistentVolume {
  @Field(() => ID, { description: 'Global id: unique across clusters; an object recreated under the same name gets a new one.' })
  id!: string;

  @Field({ description: 'Name.' })
  name!: string;

  @Field(() => Float, { description: 'Size in bytes.' })
  capacityBytes!: number;

  @Field(() => [String], { description: 'ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod.' })
  accessModes!: string[];

  @Field(() => String, { nullable: true, description: 'Retain, Delete or Recycle.' })
  reclaimPolicy!: string | null;

  @Field(() => String, { nullable: true, description: 'Storage class it belongs to.' })
  storageClassName!: string | null;

  @Field({ description: 'Available, Bound, Released or Failed.' })
  phase!: string;

  @Field(() => ClaimRef, { nullable: true, description: 'The claim it is bound to.' })
  claim!: ClaimRef | null;
}

@ObjectType({ implements: Node, description: 'A PersistentVolumeClaim: storage a workload asked for.' })
export class PersistentVolumeClaim {
  @Field(() => ID, { description: 'Global id: unique across clusters; an object recreated under the same name gets a new one.' })
  id!: string;

  @Field({ description: 'Name.' })
  name!: string;

  @Field({ description: 'Namespace.' })
  namespace!: string;

  @Field(() => Float, { description: 'Size asked for, in bytes.' })
  requestedBytes!: number;

  @Field(() => Float, { description: 'Size provided, in bytes (0 until bound).' })
  capacityBytes!: number;

  @Field(() => [String], { description: 'Access modes asked for.' })
  accessModes!: string[];

  @Field(() => String, { nullable: true, description: 'Storage class asked for.' })
  storageClassName!: string | null;

  @Field({ description: 'Pending, Bound or Lost.' })
  phase!: string;

  @Field(() => String, { nullable: true, description: 'The volume it is bound to.' })
  volumeName!: string | null;
}

@ObjectType({ implements: Node, description: 'A StorageClass: a kind of storage the cluster can provision.' })
export class StorageClass {
  @Field(() => ID, { description: 'Global id: unique across clusters; an object recreated under the same name gets a new one.' })
  id!: string;

  @Field({ description: 'Name.' })
  name!: string;

  @Field({ description: 'Provisioner, e.g. kubernetes.io/gce-pd or rancher.io/local-path.' })
  provisioner!: string;

  @Field(() => String, { nullable: true, description: 'Delete or Retain.' })
  reclaimPolicy!: string | null;

  @Field(() => String, { nullable: true, description: 'Immediate or WaitForFirstConsumer.' })
  volumeBindingMode!: string | null;

  @Field({ description: 'Whether claims of this class can grow.' })
  allowVolumeExpansion!: boolean;

  @Field({ description: 'Whether claims without a class get this one.' })
  isDefault!: boolean;
}

@ObjectType({ description: 'Persistent storage of a cluster at a glance.' })
export class StorageSummary {
  @Field(() => Float, { description: 'Bytes of all persistent volumes.' })
  capacityBytes!: number;

  @Field(() => Float, { description: 'Bytes of the volumes bound to claims.' })
  boundBytes!: number;

  @Field(() => Int, { description: 'Number of persistent volumes.' })
  volumeCount!: number;

  @Field(() => Int, { description: 'Number of claims.' })
  claimCount!: number;
}

@ObjectType({ description: 'The object a Kubernetes event is about.' })
export class InvolvedObject {
  @Field({ description: 'Kind, e.g. Pod.' })
  kind!: string;

  @Field({ description: 'Name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Namespace (none for cluster-scoped objects).' })
  namespace!: string | null;
}

@ObjectType({ implements: Node, description: 'A Kubernetes event: something a controller or kubelet reported.' })
export class ClusterEvent {
  @Field(() => ID, { description: 'Global id: unique across clusters; an object recreated under the same name gets a new one.' })
  id!: string;

  @Field({ description: 'Normal or Warning.' })
  type!: string;

  @Field({ description: 'Short machine-readable reason, e.g. BackOff or ScalingReplicaSet.' })
  reason!: string;

  @Field({ description: 'Human-readable message.' })
  message!: string;

  @Field({ description: 'Namespace of the event.' })
  namespace!: string;

  @Field(() => InvolvedObject, { description: 'What the event is about.' })
  involvedObject!: InvolvedObject;

  @Field(() => Int, { description: 'How many times it happened.' })
  count!: number;

  @Field(() => DateTimeResolver, { nullable: true, description: 'First occurrence.' })
  firstSeen!: string | null;

  @Field(() => DateTimeResolver, { description: 'Latest occurrence.' })
  lastSeen!: string;

  @Field(() => String, { nullable: true, description: 'Component that reported it, e.g. kubelet.' })
  source!: string | null;
}
