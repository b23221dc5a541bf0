import { GraphQLJSONObject } from 'graphql-scalars';
import { Extensions, Field, ID, InputType, ObjectType } from 'type-graphql';
import { globalIdOf } from '../../shared/node.js';
import { CatalogPackage, CatalogPackageVersion } from './graphql-types.js';

/** The catalog's mutation inputs, and what each mutation answers: the changed object as it is now. */

@InputType({ description: 'A catalog package to create (its versions are imported afterwards).' })
export class CreateCatalogPackageInput {
  @Field(() => ID, { nullable: true, description: 'The workspace that owns it (its DEVOPS or MANAGER members); null or absent: a global package (system administrators only).' })
  workspaceId?: string | null;

  @Field({ description: 'Display name, 1-100 characters, unique per owner whatever its case.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What it is, at most 2000 characters.' })
  description?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'An http(s) URL, or the image itself as data:image/<png|jpeg|gif|webp|svg+xml>;base64,… (at most 32 KiB). Never fetched by the gateway.',
  })
  icon?: string | null;

  @Field(() => [String], { nullable: true, description: 'At most 10 tags of 1-32 letters, digits, spaces or . _ + # -; duplicates are dropped.' })
  tags?: string[] | null;
}

@InputType({ description: 'Changes to a catalog package; absent fields stay as they are.' })
export class UpdateCatalogPackageInput {
  @Field(() => ID, { description: 'The package.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New name.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New description.' })
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'New icon; null or an empty string removes it.' })
  icon?: string | null;

  @Field(() => [String], { nullable: true, description: 'New tags (replace the old ones).' })
  tags?: string[] | null;
}

@InputType({ description: 'A catalog package to delete, with every version of it.' })
export class DeleteCatalogPackageInput {
  @Field(() => ID, { description: 'The package.' })
  id!: string;
}

@InputType({ description: 'A new version of a package, from plain Kubernetes YAML and a parameters schema.' })
export class ImportPackageVersionInput {
  @Field(() => ID, { description: 'The package.' })
  packageId!: string;

  @Field({ description: 'Semantic version, e.g. 1.4.0 or 2.0.0-rc.1; unique in the package.' })
  version!: string;

  @Field({
    description:
      'Kubernetes manifests as YAML (1.1, as kubectl reads it), several documents separated by ---, at most 512 KiB and 100 manifests. String values may hold ${{ params.<name> }} placeholders. Fields the cluster writes (status, uid, resourceVersion, …) and namespaces are dropped, with a warning.',
  })
  manifests!: string;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'JSON Schema (draft-07) of an object: the parameters, with their types and defaults. Absent: no parameters. Patterns and formats need a maxLength.',
  })
  parametersSchema?: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'Release notes, at most 2000 characters.' })
  description?: string | null;
}

@InputType({ description: 'A package version to delete.' })
export class DeletePackageVersionInput {
  @Field(() => ID, { description: 'The version.' })
  id!: string;
}

@ObjectType({ description: 'The package just created.' })
export class CreateCatalogPackagePayload {
  @Field(() => CatalogPackage, { description: 'The new package (no versions yet).' })
  catalogPackage!: CatalogPackage;
}

@ObjectType({ description: 'The package after the change.' })
export class UpdateCatalogPackagePayload {
  @Field(() => CatalogPackage, { description: 'The package as it is now.' })
  catalogPackage!: CatalogPackage;
}

@ObjectType({ description: 'What a package deletion removed.' })
export class DeleteCatalogPackagePayload {
  @Extensions(globalIdOf('CatalogPackage'))
  @Field(() => ID, { description: 'Id of the deleted package (its versions went with it).' })
  deletedCatalogPackageId!: string;
}

@ObjectType({ description: 'The version just imported, and its package.' })
export class ImportPackageVersionPayload {
  @Field(() => CatalogPackageVersion, { description: 'The new version.' })
  packageVersion!: CatalogPackageVersion;

  @Field(() => CatalogPackage, { description: 'Its package (its versions changed).' })
  catalogPackage!: CatalogPackage;

  @Field(() => [String], { description: 'What the import dropped from the manifests (fields written by a cluster, namespaces), one line per manifest.' })
  warnings!: string[];
}

@ObjectType({ description: 'What a version deletion removed, and its package.' })
export class DeletePackageVersionPayload {
  @Extensions(globalIdOf('CatalogPackageVersion'))
  @Field(() => ID, { description: 'Id of the deleted version.' })
  deletedPackageVersionId!: string;

  @Field(() => CatalogPackage, { description: 'Its package (its versions changed).' })
  catalogPackage!: CatalogPackage;
}
