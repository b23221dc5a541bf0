import { Arg, Args, Authorized, Ctx, Extensions, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { fieldCost } from '../../shared/field-cost.js';
import { ConnectionArgs } from '../../shared/connection-types.js';
import { connectionFromList, pageRequest, paginate } from '../../shared/pagination.js';
import { BY_NAME, BY_NAME_ONLY, RegistryConnection, RegistryRepositoryConnection, RegistryTagConnection } from './connections.js';
import { localKeyOf } from '../../shared/global-id.js';
import { callerOf, type BuildsContext } from './context.js';
import { CreateRegistryInput, Registry, RegistryRepository } from './graphql-types.js';
import { toRegistry } from './mappers.js';
import { repositoryKey } from './registry-service.js';
import { AllotRegistryInput, AllotRegistryPayload, CreateRegistryPayload } from './payloads.js';

@Resolver(() => Registry)
export class RegistryResolver {
  @Authorized('ADMIN')
  @Mutation(() => CreateRegistryPayload, { description: 'Adds a registry after checking its URL and credentials against its /v2/. System administrators only.' })
  async createRegistry(
    @Arg('input', () => CreateRegistryInput, { description: 'The registry.' }) input: CreateRegistryInput,
    @Ctx() context: BuildsContext,
  ): Promise<CreateRegistryPayload> {
    return { registry: toRegistry(await context.registries.create(input)) };
  }

  @Authorized('ADMIN')
  @Mutation(() => AllotRegistryPayload, { description: "Lets a workspace's builds push to a registry. System administrators only." })
  async allotRegistry(
    @Arg('input', () => AllotRegistryInput, { description: 'The registry and the workspace.' }) input: AllotRegistryInput,
    @Ctx() context: BuildsContext,
  ): Promise<AllotRegistryPayload> {
    const { registry, project } = await context.registries.allot(localKeyOf(input.workspaceId, 'Workspace'), localKeyOf(input.registryId, 'Registry'), input.project);
    return { registry: toRegistry(registry), workspaceId: localKeyOf(input.workspaceId, 'Workspace'), project };
  }

  @Authorized()
  @Query(() => RegistryConnection, { description: 'Registries of a workspace, by name, paged; without workspaceId, every registry (system administrators only).' })
  async registries(
    @Arg('workspaceId', () => ID, { nullable: true, description: 'The workspace; omitted: every registry.' }) workspaceId: string | null | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() context: BuildsContext,
  ): Promise<RegistryConnection> {
    const caller = callerOf(context);
    const records = await (workspaceId != null ? context.registries.listForWorkspace(caller, localKeyOf(workspaceId, 'Workspace')) : context.registries.list(caller));
    return paginate(context, 'Query.registries', page, records.map(toRegistry), BY_NAME, (registry) => registry);
  }

  // One catalog call to the registry per registry.
  @Extensions(fieldCost({ weight: 5 }))
  @FieldResolver(() => RegistryRepositoryConnection, {
    description:
      "Repositories, by name, paged, read through the registry API v2 now: those of the projects the caller's workspaces own here (every one for system administrators).",
  })
  async repositories(@Root() registry: Registry, @Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() context: BuildsContext): Promise<RegistryRepositoryConnection> {
    const request = pageRequest('Registry.repositories', page, context.pageLimits);
    const names = await context.registries.repositoryNames(callerOf(context), registry.record);
    return connectionFromList(names, request, BY_NAME_ONLY, (name) => ({ id: repositoryKey(registry.record.id, name), name, registry: registry.record }));
  }

  @FieldResolver(() => [String], {
    description: "Projects (first path component of repository names) the caller's workspaces own in this registry, sorted; every allotted one for system administrators.",
  })
  async projects(@Root() registry: Registry, @Ctx() context: BuildsContext): Promise<string[]> {
    return context.registries.projectNames(callerOf(context), registry.record.id);
  }
}

@Resolver(() => RegistryRepository)
export class RegistryRepositoryResolver {
  // One tag-list call, then one manifest read per tag of the page.
  @Extensions(fieldCost({ weight: 5, perItem: 2 }))
  @FieldResolver(() => RegistryTagConnection, { description: 'Its tags, by name, paged, with digests and sizes (read for the tags of the page only).' })
  async tags(@Root() repository: RegistryRepository, @Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() context: BuildsContext): Promise<RegistryTagConnection> {
    const request = pageRequest('RegistryRepository.tags', page, context.pageLimits);
    const names = await context.registries.tagNames(repository.registry, repository.name);
    const connection = connectionFromList(names, request, BY_NAME_ONLY, (name) => name);
    const tags = await context.registries.describeTags(
      repository.registry,
      repository.name,
      connection.edges.map((edge) => edge.node),
    );
    return { ...connection, edges: connection.edges.map((edge, index) => ({ cursor: edge.cursor, node: tags[index]! })) };
  }
}
