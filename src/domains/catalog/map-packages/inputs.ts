import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { CatalogPackage, CatalogPackageVersion } from '../graphql-types.js';

@InputType({ description: 'A package to create in the application map’s workspace, holding the saved version.' })
export class NewMapPackageInput {
  @Field({ description: 'Display name, 1-100 characters, unique in the workspace’s catalog whatever its case.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What it is, at most 2000 characters.' })
  description?: string | null;

  @Field(() => [String], { nullable: true, description: 'At most 10 tags of 1-32 letters, digits, spaces or . _ + # -; duplicates are dropped.' })
  tags?: string[] | null;
}

@InputType({ description: 'An application map to save as a version of a catalog package: into an existing package (packageId) or a new one (newPackage).' })
export class SaveAppMapAsPackageInput {
  @Field(() => ID, { description: 'The application map whose running objects are saved.' })
  appMapId!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'A package of the map’s workspace to add the version to (a global package: system administrators only). Give this or newPackage.',
  })
  packageId?: string | null;

  @Field(() => NewMapPackageInput, { nullable: true, description: 'A package to create for the version, in the map’s workspace. Give this or packageId.' })
  newPackage?: NewMapPackageInput | null;

  @Field({ description: 'Semantic version of the new version (e.g. 1.0.0), not yet in the package.' })
  version!: string;

  @Field(() => String, { nullable: true, description: 'Release notes, at most 2000 characters.' })
  description?: string | null;
}

@ObjectType({ description: 'The version an application map was saved as, and its package.' })
export class SaveAppMapAsPackagePayload {
  @Field(() => CatalogPackageVersion, { description: 'The new version: deploy it with deployPackage; Secret values are parameters to give at deploy.' })
  packageVersion!: CatalogPackageVersion;

  @Field(() => CatalogPackage, { description: 'Its package (created by this mutation when newPackage was given).' })
  catalogPackage!: CatalogPackage;

  @Field(() => [String], { description: 'What the saved version leaves out (objects missing from the cluster, service accounts, service account tokens), one line each.' })
  warnings!: string[];
}
