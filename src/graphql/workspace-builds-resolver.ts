import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Build, callerOf, loadersOf, Registry, toBuild, toRegistry } from '../domains/builds/index.js';
import { Workspace } from '../domains/workspaces/index.js';
import type { GatewayContext } from './context.js';

/** Where workspaces meet builds and registries; neither domain imports the other. */
@Resolver(() => Workspace)
export class WorkspaceBuildsResolver {
  @FieldResolver(() => [Build], { description: 'The builds of the workspace, by name.' })
  async builds(@Root() workspace: Workspace, @Ctx() context: GatewayContext): Promise<Build[]> {
    // Through a loader: the builds of every workspace in a list cost a constant number of statements.
    return (await loadersOf(context).buildsByWorkspace.load(workspace.id)).map(toBuild);
  }

  @FieldResolver(() => [Registry], { description: 'The registries allotted to the workspace.' })
  async registries(@Root() workspace: Workspace, @Ctx() context: GatewayContext): Promise<Registry[]> {
    return (await context.registries.listForWorkspace(callerOf(context), workspace.id)).map(toRegistry);
  }
}
