import { DateTimeResolver, GraphQLJSONObject } from 'graphql-scalars';
import { Extensions, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { globalIdOf, Node } from '../../shared/node.js';
import type { CatalogPackageRecord, CatalogVersionSummary } from './records.js';
import type { JsonObject } from './rendering/json.js';

export const CatalogScopeEnum = { ALL: 'ALL', GLOBAL: 'GLOBAL', WORKSPACE: 'WORKSPACE' } as const;
registerEnumType(CatalogScopeEnum, {
  name: 'CatalogScope',
  description: 'Which packages a catalog list holds.',
  valuesConfig: {
    ALL: { description: 'Global packages and those of the workspaces asked about.' },
    GLOBAL: { description: 'Global packages only (made by administrators, seen by everyone).' },
    WORKSPACE: { description: 'Packages owned by the workspaces asked about only.' },
  },
});

@ObjectType({
  implements: Node,
  description:
    'A package of the catalog: an application packaged once (workloads and their companions) in versions. Global packages are seen by everyone; a workspace’s own only by its members.',
})
export class CatalogPackage {
  record!: CatalogPackageRecord;

  @Field(() => ID, { description: 'Global id of the package.' })
  id!: string;

  @Extensions(globalIdOf('Workspace'))
  @Field(() => ID, { nullable: true, description: 'The workspace that owns it; null for a global package.' })
  workspaceId!: string | null;

  @Field({ description: 'True for a global package (made by administrators, seen by everyone).' })
  global!: boolean;

  @Field({ description: 'Display name, unique per owner whatever its case.' })
  name!: string;

  @Field({ description: 'What it is, for the catalog card (may be empty).' })
  description!: string;

  @Field(() => [String], { description: 'Tags for finding it, in the order given.' })
  tags!: string[];

  @Field(() => DateTimeResolver, { description: 'When it was created.' })
  createdAt!: Date;

  @Field(() => DateTimeResolver, { description: 'When its name, description, icon or tags last changed.' })
  updatedAt!: Date;
}

@ObjectType({ implements: Node, description: 'A version of a catalog package: manifests with placeholders, and the typed parameters that fill them.' })
export class CatalogPackageVersion {
  summary!: CatalogVersionSummary;

  @Field(() => ID, { description: 'Global id of the version.' })
  id!: string;

  @Extensions(globalIdOf('CatalogPackage'))
  @Field(() => ID, { description: 'The package it is a version of.' })
  packageId!: string;

  @Field({ description: 'Semantic version (MAJOR.MINOR.PATCH[-pre-release][+build]), unique in its package.' })
  version!: string;

  @Field(() => String, { nullable: true, description: 'Release notes given at import.' })
  description!: string | null;

  @Field(() => DateTimeResolver, { description: 'When it was imported.' })
  createdAt!: Date;
}

@ObjectType({ description: 'One manifest of a version, as stored: string values may hold `${{ params.<name> }}` placeholders.' })
export class CatalogTemplate {
  @Field(() => Int, { description: 'Position in the version (0-based), the order of import.' })
  index!: number;

  @Field({ description: 'apiVersion of the manifest (literal).' })
  apiVersion!: string;

  @Field({ description: 'Kind of the manifest (literal): Deployment, StatefulSet, DaemonSet, Job, CronJob, Service, ConfigMap, Secret, PersistentVolumeClaim or Ingress.' })
  kind!: string;

  @Field({ description: 'metadata.name as written (it may hold a placeholder).' })
  name!: string;

  @Field(() => GraphQLJSONObject, { description: 'The whole manifest, placeholders included.' })
  manifest!: JsonObject;
}

@ObjectType({ description: 'A manifest rendered with values: placeholders replaced, checked, ready to apply.' })
export class CatalogRenderedObject {
  @Field(() => Int, { description: 'The template it comes from (CatalogTemplate.index).' })
  templateIndex!: number;

  @Field({ description: 'apiVersion.' })
  apiVersion!: string;

  @Field({ description: 'Kind.' })
  kind!: string;

  @Field({ description: 'metadata.name after rendering.' })
  name!: string;

  @Field(() => GraphQLJSONObject, { description: 'The rendered manifest (no namespace: the deploy chooses it).' })
  manifest!: JsonObject;
}

@ObjectType({ description: 'A version rendered with values, as a deploy would apply it.' })
export class CatalogRendering {
  @Field(() => GraphQLJSONObject, { description: 'The values used: those given, with the defaults of the parameters schema filled in.' })
  values!: JsonObject;

  @Field(() => [CatalogRenderedObject], {
    description: 'The rendered objects in apply order (Secrets and ConfigMaps, claims, Services, then workloads, then Ingresses; template order within a kind).',
  })
  objects!: CatalogRenderedObject[];

  @Field({ description: 'The rendered objects as multi-document YAML, in the same order.' })
  yaml!: string;
}
