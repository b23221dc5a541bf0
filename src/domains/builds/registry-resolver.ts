import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { callerOf, type BuildsContext } from './context.js';
import { CreateRegistryInput, Registry, RegistryRepository } from './graphql-types.js';
import { localKeyOf } from '../../shared/global-id.js';
import { toRegistry } from './mappers.js';
import { AllotRegistryInput, AllotRegistryPayload, CreateRegistryPayload } from './payloads.js';

@Resolver(() => Registry)
export class RegistryResolver {
  @Authorized('ADMIN')
  @Mutation(() => CreateRegistryPayload, { description: 'Adds a registry after checking its URL and credentials against its /v2/. System administrators only.' })
  async createRegistry(@Arg('input', () => CreateRegistryInput, { description: 'The registry.' }) input: CreateRegistryInput, @Ctx() context: BuildsContext): Promise<CreateRegistryPayload> {
    return { registry: toRegistry(await context.registries.create(input)) };
  }

  @Authorized('ADMIN')
  @Mutation(() => AllotRegistryPayload, { description: 'Lets a workspace\'s builds push to a registry. System administrators only.' })
  async allotRegistry(@Arg('input', () => AllotRegistryInput, { description: 'The registry and the workspace.' }) input: AllotRegistryInput, @Ctx() context: BuildsContext): Promise<AllotRegistryPayload> {
    const registry = await context.registries.allot(localKeyOf(input.workspaceId, 'Workspace'), localKeyOf(input.registryId, 'Registry'));
    return { registry: toRegistry(registry), workspaceId: input.workspaceId };
  }

  @Authorized()
  @Query(() => [Registry], { description: 'Registries of a workspace; without workspaceId, every registry (system administrators only).' })
  async registries(@Arg('workspaceId', () => ID, { nullable: true, description: 'The workspace; omitted: every registry.' }) workspaceId: string | null | undefined, @Ctx() context: BuildsContext): Promise<Registry[]> {
    const caller = callerOf(context);
    if (workspaceId == null) {
      if (caller.systemRole !== 'ADMIN') return [];
      return (await context.registries.list()).map(toRegistry);
    }
    return (await context.registries.listForWorkspace(caller, workspaceId)).map(toRegistry);
  }

  @FieldResolver(() => [RegistryRepository], { description: 'Repositories with their tags, digests and sizes, read through the registry API v2 now.' })
  async repositories(@Root() registry: Registry, @Arg('first', () => Int, { defaultValue: 50, description: 'At most this many repositories (1-200).' }) first: number, @Ctx() context: BuildsContext): Promise<RegistryRepository[]> {
    return context.registries.repositories(registry.record, Math.max(1, Math.min(first, 200)));
  }
}
