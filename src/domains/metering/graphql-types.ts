import { DateTimeResolver } from 'graphql-scalars';
import { Field, Float, InputType, ObjectType } from 'type-graphql';

@ObjectType('PriceTable', { description: 'Prices of one provider and region: what a core, a GiB of memory and a GiB of storage cost per hour.' })
export class PriceTableType {
  @Field({ description: 'Cluster provider: ON_PREMISE, GKE, EKS, AKS or OTHER.' })
  provider!: string;

  @Field({ description: 'Region the prices apply to; * for every region of the provider without a table of its own.' })
  region!: string;

  @Field(() => Float, { description: 'Price of one CPU core for one hour.' })
  cpuCoreHour!: number;

  @Field(() => Float, { description: 'Price of one GiB of memory for one hour.' })
  memoryGiBHour!: number;

  @Field(() => Float, { description: 'Price of one GiB of requested volume storage for one hour.' })
  storageGiBHour!: number;

  @Field({ description: 'ISO 4217 currency code of the prices.' })
  currency!: string;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When an administrator last set it; null for a built-in default (published list prices).' })
  updatedAt!: Date | null;
}

@InputType('PriceTableInput', { description: 'A price table to set (replaces the one of the same provider and region).' })
export class PriceTableInputType {
  @Field({ description: 'Cluster provider: ON_PREMISE, GKE, EKS, AKS or OTHER.' })
  provider!: string;

  @Field(() => String, { nullable: true, description: 'Region (as clusters name it); left out or *: every region of the provider without a table of its own.' })
  region?: string | null;

  @Field(() => Float, { nullable: true, description: 'Price of one CPU core-hour, zero or more (required).' })
  cpuCoreHour?: number | null;

  @Field(() => Float, { nullable: true, description: 'Price of one memory GiB-hour, zero or more (required).' })
  memoryGiBHour?: number | null;

  @Field(() => Float, { nullable: true, description: 'Price of one storage GiB-hour, zero or more (required).' })
  storageGiBHour?: number | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 currency code, e.g. USD (required).' })
  currency?: string | null;
}

@ObjectType({ description: 'Resource hours and what they cost.' })
export class CostFigures {
  @Field(() => Float, { description: 'CPU core-hours charged (each pod-hour: the larger of average usage and requests).' })
  cpuCoreHours!: number;

  @Field(() => Float, { description: 'Memory GiB-hours charged (each pod-hour: the larger of average usage and requests).' })
  memoryGiBHours!: number;

  @Field(() => Float, { description: 'Storage GiB-hours: requested size of the volume claims times the hours measured.' })
  storageGiBHours!: number;

  @Field(() => Float, { description: 'Cost of the CPU core-hours.' })
  cpuCost!: number;

  @Field(() => Float, { description: 'Cost of the memory GiB-hours.' })
  memoryCost!: number;

  @Field(() => Float, { description: 'Cost of the storage GiB-hours.' })
  storageCost!: number;

  @Field(() => Float, { description: 'cpuCost + memoryCost + storageCost.' })
  total!: number;
}

@ObjectType('CostDay', { description: 'One UTC day of costs.' })
export class CostDayType extends CostFigures {
  @Field({ description: 'The UTC day, YYYY-MM-DD.' })
  date!: string;

  @Field({ description: 'ISO 4217 currency code of the costs.' })
  currency!: string;
}

@ObjectType('CostReport', { description: 'Costs over a range of UTC days.' })
export class CostReportType {
  @Field({ description: 'ISO 4217 currency code of every figure.' })
  currency!: string;

  @Field(() => [CostDayType], { description: "One row per day of the range, oldest first (a cluster's rows include its idle capacity)." })
  days!: CostDayType[];

  @Field(() => CostFigures, { description: 'The days summed.' })
  total!: CostFigures;

  @Field(() => CostFigures, { nullable: true, description: 'Clusters only: capacity of its nodes not charged to any pod (included in total). Null for a workspace.' })
  idle!: CostFigures | null;

  @Field(() => CostFigures, { nullable: true, description: 'Clusters only: pods in namespaces no workspace holds (included in total). Null for a workspace.' })
  unallotted!: CostFigures | null;

  @Field(() => CostFigures, {
    nullable: true,
    description: "Workspaces only: its pods no application map holds, and its volumes (included in total); total = this + the maps' totals.",
  })
  unmapped!: CostFigures | null;
}
