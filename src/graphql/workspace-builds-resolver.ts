import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { BuildConnection, loadersOf, RegistryConnection, toBuild, toRegistry } from '../domains/builds/index.js';
import { Workspace } from '../domains/workspaces/index.js';
import { ConnectionArgs } from '../shared/connection-types.js';
import { paginate } from '../shared/pagination.js';
import type { GatewayContext } from './context.js';

const BY_NAME = { key: (item: { name: string; id: string }) => [item.name, item.id] } as const;

/** Where workspaces meet builds and registries; neither domain imports the other. */
@Resolver(() => Workspace)
export class WorkspaceBuildsResolver {
  @FieldResolver(() => BuildConnection, { description: 'The builds of the workspace, by name, paged.' })
  async builds(@Root() workspace: Workspace, @Ctx() context: GatewayContext, @Args(() => ConnectionArgs) page: ConnectionArgs): Promise<BuildConnection> {
    // Through a loader: the builds of every workspace in a list cost a constant number of statements; paged per workspace in memory.
    const builds = (await loadersOf(context).buildsByWorkspace.load(workspace.id)).map(toBuild);
    return paginate(context, 'Workspace.builds', page, builds, BY_NAME, (build) => build);
  }

  @FieldResolver(() => RegistryConnection, { description: 'The registries allotted to the workspace, by name, paged.' })
  async registries(@Root() workspace: Workspace, @Ctx() context: GatewayContext, @Args(() => ConnectionArgs) page: ConnectionArgs): Promise<RegistryConnection> {
    const registries = (await loadersOf(context).registriesByWorkspace.load(workspace.id)).map(toRegistry);
    return paginate(context, 'Workspace.registries', page, registries, BY_NAME, (registry) => registry);
  }
}
