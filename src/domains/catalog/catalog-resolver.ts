import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Args, Authorized, Ctx, Extensions, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { fieldCost } from '../../shared/field-cost.js';
import { ConnectionArgs } from '../../shared/connection-types.js';
import { NotFoundError } from '../../shared/errors.js';
import { localKeyOf } from '../../shared/global-id.js';
import { paginate } from '../../shared/pagination.js';
import { CatalogPackageConnection, CatalogPackageVersionConnection, PACKAGES_BY_NAME, VERSIONS_NEWEST_FIRST } from './connections.js';
import { callerOf, catalogLoadersOf, contentSizeOf, spendContent, visiblePackage, type CatalogContext } from './context.js';
import { CatalogPackage, CatalogPackageVersion, CatalogRendering, CatalogScopeEnum, CatalogTemplate } from './graphql-types.js';
import {
  CreateCatalogPackageInput,
  CreateCatalogPackagePayload,
  DeleteCatalogPackageInput,
  DeleteCatalogPackagePayload,
  DeletePackageVersionInput,
  DeletePackageVersionPayload,
  ImportPackageVersionInput,
  ImportPackageVersionPayload,
  UpdateCatalogPackageInput,
  UpdateCatalogPackagePayload,
} from './inputs.js';
import { toCatalogPackage, toPackageVersion } from './mappers.js';
import type { CatalogVersionRecord } from './records.js';
import type { JsonObject } from './rendering/json.js';
import { templatesToYaml } from './rendering/templates.js';

/** A package's versions, newest first (one batched read for every package of the response). */
async function versionsOf(context: CatalogContext, packageId: string): Promise<CatalogPackageVersion[]> {
  return (await catalogLoadersOf(context).versionsByPackage.load(packageId)).map(toPackageVersion);
}

@Resolver(() => CatalogPackage)
export class CatalogPackageResolver {
  @Authorized()
  @Query(() => CatalogPackageConnection, {
    description:
      'The catalog, by name: global packages and those of the workspaces the caller belongs to (administrators: every workspace), or — with workspaceId — the catalog as that workspace sees it.',
  })
  async catalogPackages(
    @Arg('workspaceId', () => ID, { nullable: true, description: 'Only this workspace’s own packages (and the global ones, unless scope is WORKSPACE).' })
    workspaceId: string | null | undefined,
    @Arg('scope', () => CatalogScopeEnum, { nullable: true, description: 'Global packages, workspace packages, or both (default ALL).' }) scope: string | null | undefined,
    @Arg('tag', () => String, { nullable: true, description: 'Only packages with this tag (whatever its case).' }) tag: string | null | undefined,
    @Arg('search', () => String, { nullable: true, description: 'Only packages whose name, description or a tag contains this text (whatever its case; at most 100 characters).' })
    search: string | null | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() context: CatalogContext,
  ): Promise<CatalogPackageConnection> {
    const records = await context.catalog.list(callerOf(context), {
      workspaceId: workspaceId === null || workspaceId === undefined ? null : localKeyOf(workspaceId, 'Workspace'),
      scope: (scope ?? 'ALL') as keyof typeof CatalogScopeEnum,
      tag,
      search,
    });
    return paginate(context, 'Query.catalogPackages', page, records.map(toCatalogPackage), PACKAGES_BY_NAME, (item) => item);
  }

  @Authorized()
  @Query(() => CatalogPackage, { nullable: true, description: 'A catalog package: a global one, or one of a workspace the caller belongs to (NOT_FOUND otherwise).' })
  async catalogPackage(@Arg('id', () => ID, { description: 'Package id.' }) id: string, @Ctx() context: CatalogContext): Promise<CatalogPackage> {
    return toCatalogPackage(await context.catalog.getPackage(callerOf(context), localKeyOf(id, 'CatalogPackage')));
  }

  @Authorized()
  @Query(() => CatalogPackageVersion, { nullable: true, description: 'A version of a catalog package the caller may see (NOT_FOUND otherwise).' })
  async catalogPackageVersion(@Arg('id', () => ID, { description: 'Version id.' }) id: string, @Ctx() context: CatalogContext): Promise<CatalogPackageVersion> {
    return toPackageVersion((await context.catalog.getVersion(callerOf(context), localKeyOf(id, 'CatalogPackageVersion'))).version);
  }

  @Authorized()
  @Mutation(() => CreateCatalogPackagePayload, {
    description:
      'Creates a catalog package: in a workspace (its DEVOPS and MANAGER members), or global (system administrators). Import versions into it with importPackageVersion.',
  })
  async createCatalogPackage(
    @Arg('input', () => CreateCatalogPackageInput, { description: 'The package.' }) input: CreateCatalogPackageInput,
    @Ctx() context: CatalogContext,
  ): Promise<CreateCatalogPackagePayload> {
    const workspaceId = input.workspaceId === undefined || input.workspaceId === null ? null : localKeyOf(input.workspaceId, 'Workspace');
    return { catalogPackage: toCatalogPackage(await context.catalog.create(callerOf(context), { ...input, workspaceId })) };
  }

  @Authorized()
  @Mutation(() => UpdateCatalogPackagePayload, { description: 'Changes the name, description, icon or tags of a catalog package. The same rights as creating it.' })
  async updateCatalogPackage(
    @Arg('input', () => UpdateCatalogPackageInput, { description: 'The package and its changes.' }) input: UpdateCatalogPackageInput,
    @Ctx() context: CatalogContext,
  ): Promise<UpdateCatalogPackagePayload> {
    return { catalogPackage: toCatalogPackage(await context.catalog.update(callerOf(context), { ...input, id: localKeyOf(input.id, 'CatalogPackage') })) };
  }

  @Authorized()
  @Mutation(() => DeleteCatalogPackagePayload, { description: 'Deletes a catalog package with every version of it. The same rights as creating it.' })
  async deleteCatalogPackage(
    @Arg('input', () => DeleteCatalogPackageInput, { description: 'The package.' }) input: DeleteCatalogPackageInput,
    @Ctx() context: CatalogContext,
  ): Promise<DeleteCatalogPackagePayload> {
    return { deletedCatalogPackageId: (await context.catalog.delete(callerOf(context), localKeyOf(input.id, 'CatalogPackage'))).id };
  }

  @Authorized()
  @Mutation(() => ImportPackageVersionPayload, {
    description:
      'Imports a version of a package from plain Kubernetes YAML and a parameters schema. Everything is checked before anything is written: the version, the schema and its defaults, each manifest, each placeholder and, when the defaults fill every required parameter, a render with them. The same rights as creating the package.',
  })
  async importPackageVersion(
    @Arg('input', () => ImportPackageVersionInput, { description: 'The package, the version, its manifests and parameters.' }) input: ImportPackageVersionInput,
    @Ctx() context: CatalogContext,
  ): Promise<ImportPackageVersionPayload> {
    const imported = await context.catalog.importVersion(callerOf(context), { ...input, packageId: localKeyOf(input.packageId, 'CatalogPackage') });
    return { packageVersion: toPackageVersion(imported.version), catalogPackage: toCatalogPackage(imported.package), warnings: imported.warnings };
  }

  @Authorized()
  @Mutation(() => DeletePackageVersionPayload, { description: 'Deletes a version of a package. The same rights as creating the package.' })
  async deletePackageVersion(
    @Arg('input', () => DeletePackageVersionInput, { description: 'The version.' }) input: DeletePackageVersionInput,
    @Ctx() context: CatalogContext,
  ): Promise<DeletePackageVersionPayload> {
    const deleted = await context.catalog.deleteVersion(callerOf(context), localKeyOf(input.id, 'CatalogPackageVersion'));
    return { deletedPackageVersionId: deleted.version.id, catalogPackage: toCatalogPackage(deleted.package) };
  }

  @FieldResolver(() => String, { nullable: true, description: 'Its icon: an http(s) URL or a data:image URL; null: none.' })
  icon(@Root() item: CatalogPackage, @Ctx() context: CatalogContext): Promise<string | null> {
    return catalogLoadersOf(context).icon.load(item.id);
  }

  @FieldResolver(() => CatalogPackageVersionConnection, { description: 'Its versions, newest first (semantic version precedence), paged.' })
  async versions(@Root() item: CatalogPackage, @Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() context: CatalogContext): Promise<CatalogPackageVersionConnection> {
    return paginate(context, 'CatalogPackage.versions', page, await versionsOf(context, item.id), VERSIONS_NEWEST_FIRST, (version) => version);
  }

  @FieldResolver(() => CatalogPackageVersion, { nullable: true, description: 'Its highest version (pre-releases count below their release); null: none imported yet.' })
  async latestVersion(@Root() item: CatalogPackage, @Ctx() context: CatalogContext): Promise<CatalogPackageVersion | null> {
    const first = paginate(context, 'CatalogPackage.versions', { first: 1 }, await versionsOf(context, item.id), VERSIONS_NEWEST_FIRST, (version) => version);
    return first.edges[0]?.node ?? null;
  }
}

@Resolver(() => CatalogPackageVersion)
export class CatalogPackageVersionResolver {
  /** The version's templates and schema; `charged`: the field returns the templates in some form, counted against the operation's budget. */
  private async content(version: CatalogPackageVersion, context: CatalogContext, charged = false): Promise<CatalogVersionRecord> {
    const record = await catalogLoadersOf(context).versionById.load(version.id);
    // Deleted since this response started: as missing as any other.
    if (record === null) throw new NotFoundError('CatalogPackageVersion', version.id);
    if (charged) spendContent(context, contentSizeOf(record));
    return record;
  }

  @FieldResolver(() => CatalogPackage, { description: 'The package it is a version of.' })
  async package(@Root() version: CatalogPackageVersion, @Ctx() context: CatalogContext): Promise<CatalogPackage> {
    const record = await visiblePackage(context, await catalogLoadersOf(context).packageById.load(version.packageId));
    if (record === null) throw new NotFoundError('CatalogPackage', version.packageId);
    return toCatalogPackage(record);
  }

  @FieldResolver(() => GraphQLJSONObject, { description: 'JSON Schema (draft-07) of its parameters, as imported.' })
  async parametersSchema(@Root() version: CatalogPackageVersion, @Ctx() context: CatalogContext): Promise<JsonObject> {
    return (await this.content(version, context)).parametersSchema;
  }

  @FieldResolver(() => GraphQLJSONObject, { description: 'The defaults of its parameters schema, as a form starts from them.' })
  async defaultValues(@Root() version: CatalogPackageVersion, @Ctx() context: CatalogContext): Promise<JsonObject> {
    return context.catalog.defaultsOf(await this.content(version, context));
  }

  // A list of up to 100 manifests, read whole.
  @Extensions(fieldCost({ weight: 10 }))
  @FieldResolver(() => [CatalogTemplate], { description: 'Its manifests (at most 100), placeholders included, in the order imported.' })
  async templates(@Root() version: CatalogPackageVersion, @Ctx() context: CatalogContext): Promise<CatalogTemplate[]> {
    return (await this.content(version, context, true)).templates.map((manifest, index) => {
      // Checked at import: apiVersion, kind and metadata.name are strings.
      const text = (value: unknown) => (typeof value === 'string' ? value : '');
      const metadata = manifest.metadata as { name?: unknown } | undefined;
      return Object.assign(new CatalogTemplate(), { index, apiVersion: text(manifest.apiVersion), kind: text(manifest.kind), name: text(metadata?.name), manifest });
    });
  }

  // Serializes every manifest.
  @Extensions(fieldCost({ weight: 20 }))
  @FieldResolver(() => String, { description: 'Its manifests as multi-document YAML: importing this text with the same parameters schema gives the same version.' })
  async manifestYaml(@Root() version: CatalogPackageVersion, @Ctx() context: CatalogContext): Promise<string> {
    return context.catalog.exportYaml(await this.content(version, context, true));
  }

  // Validates the values against the schema and renders every manifest.
  @Extensions(fieldCost({ weight: 50 }))
  @FieldResolver(() => CatalogRendering, {
    description:
      'Renders the version with values (checked against its schema, defaults filled in): the objects a deploy would apply, in apply order. Values that break the schema are BAD_USER_INPUT with extensions.field values.<parameter>.',
  })
  async render(
    @Root() version: CatalogPackageVersion,
    @Arg('values', () => GraphQLJSONObject, { nullable: true, description: 'Parameter values (absent: the defaults).' }) values: Record<string, unknown> | null | undefined,
    @Ctx() context: CatalogContext,
  ): Promise<CatalogRendering> {
    const rendering = context.catalog.render(await this.content(version, context, true), values ?? {});
    const yaml = templatesToYaml(rendering.objects.map((object) => object.manifest));
    // The objects and their YAML: about twice the rendered text.
    spendContent(context, 2 * yaml.length);
    return Object.assign(new CatalogRendering(), {
      values: rendering.values,
      objects: rendering.objects.map(({ templateIndex, apiVersion, kind, name, manifest }) => ({ templateIndex, apiVersion, kind, name, manifest })),
      yaml,
    });
  }
}
