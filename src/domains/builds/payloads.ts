import { Extensions, Field, ID, InputType, ObjectType } from 'type-graphql';
import { globalIdOf } from '../../shared/node.js';
import { Build, BuildRun, Registry } from './graphql-types.js';

/** The builds domain's mutation inputs that are only ids, and what each mutation answers: the changed object as it is now. */

@InputType({ description: 'A build to run.' })
export class RunBuildInput {
  @Field(() => ID, { description: 'The build to run.' })
  buildId!: string;
}

@InputType({ description: 'A run to stop.' })
export class CancelBuildRunInput {
  @Field(() => ID, { description: 'The run to cancel.' })
  id!: string;
}

@InputType({ description: "A registry to let a workspace's builds push to." })
export class AllotRegistryInput {
  @Field(() => ID, { description: 'The workspace.' })
  workspaceId!: string;

  @Field(() => ID, { description: 'The registry.' })
  registryId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "The project the workspace owns in the registry: one path component, the first of every repository its builds push (<project>/<name>) and the only ones its members see there. Omitted: the one it has, or else the workspace's slug. One workspace per project of a registry.",
  })
  project?: string | null;
}

@ObjectType({ description: 'The build just defined.' })
export class CreateBuildPayload {
  @Field(() => Build, { description: 'The new build.' })
  build!: Build;
}

@ObjectType({ description: 'The run just started, and its build.' })
export class RunBuildPayload {
  @Field(() => BuildRun, { description: 'The new run; follow it with buildLog and buildRunUpdates.' })
  run!: BuildRun;

  @Field(() => Build, { description: 'The build (its last run and status changed).' })
  build!: Build;
}

@ObjectType({ description: 'The run after its cancellation.' })
export class CancelBuildRunPayload {
  @Field(() => BuildRun, { description: 'The run as it is now.' })
  run!: BuildRun;
}

@ObjectType({ description: 'The registry just added.' })
export class CreateRegistryPayload {
  @Field(() => Registry, { description: 'The new registry.' })
  registry!: Registry;
}

@ObjectType({ description: 'The registry now allotted to the workspace.' })
export class AllotRegistryPayload {
  @Field(() => Registry, { description: 'The registry.' })
  registry!: Registry;

  @Extensions(globalIdOf('Workspace'))
  @Field(() => ID, { description: 'The workspace whose builds may now push to it.' })
  workspaceId!: string;

  @Field({ description: "The workspace's project in the registry: its builds push to <project>/<name>." })
  project!: string;
}
