import { Extensions, Field, ID, InputType, ObjectType } from 'type-graphql';
import { globalIdOf } from '../../shared/node.js';
import { AppMap } from './graphql-types.js';

/** The application maps' mutation inputs, and what each mutation answers. */

@InputType({ description: 'A logical part of a map (front, back, data…): its workloads by label selector, or by name (one of the two).' })
export class AppMapGroupInput {
  @Field({ description: 'Name, a DNS label (front, back, data…), unique in the map.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Label selector on the workloads’ labels (kubectl syntax, at most 1024 characters).' })
  selector?: string | null;

  @Field(() => [String], { nullable: true, description: 'The names of its workloads (1-100).' })
  workloadNames?: string[] | null;
}

@InputType({ description: 'An application map to draw around workloads that run (or will run) in a namespace allotted to the workspace.' })
export class CreateAppMapInput {
  @Field(() => ID, { description: 'The workspace that owns it (its DEVOPS and MANAGER members create maps).' })
  workspaceId!: string;

  @Field(() => ID, { description: 'The cluster: one allotted to the workspace.' })
  clusterId!: string;

  @Field({ description: 'The namespace: one allotted to the workspace on that cluster.' })
  namespace!: string;

  @Field({ description: 'Name: a DNS label (1-63 lowercase letters, digits and -), unique in the workspace for that cluster and namespace.' })
  name!: string;

  @Field({ description: 'Stage: DEV, STAGING or PROD (any case), or a stage name of the workspace’s own (1-32 letters, digits, spaces or . _ -).' })
  stage!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Label selector on the workloads’ labels that draws the map (kubectl syntax: app=shop,tier in (web,api)); absent or empty: every workload of the namespace.',
  })
  selector?: string | null;

  @Field(() => [AppMapGroupInput], { nullable: true, description: 'Its groups (at most 20).' })
  groups?: AppMapGroupInput[] | null;

  @Field(() => String, { nullable: true, description: 'What it is, at most 2000 characters.' })
  description?: string | null;
}

@InputType({ description: 'Changes to an application map; absent fields stay as they are. Its cluster and namespace never change.' })
export class UpdateAppMapInput {
  @Field(() => ID, { description: 'The map.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New name.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New stage.' })
  stage?: string | null;

  @Field(() => String, { nullable: true, description: 'New selector; null or empty: every workload of the namespace.' })
  selector?: string | null;

  @Field(() => [AppMapGroupInput], { nullable: true, description: 'New groups (replace the old ones; null or empty: none).' })
  groups?: AppMapGroupInput[] | null;

  @Field(() => String, { nullable: true, description: 'New description; null or empty removes it.' })
  description?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Turn continuous deployment on or off: with it on, a successful build of an image the map runs rolls its release forward to the new tag. Only for a map deployed from the catalog (BAD_USER_INPUT otherwise).',
  })
  continuousDeployment?: boolean | null;
}

@InputType({ description: 'An application map to delete (the workloads it shows keep running).' })
export class DeleteAppMapInput {
  @Field(() => ID, { description: 'The map.' })
  id!: string;
}

@ObjectType({ description: 'The map just created.' })
export class CreateAppMapPayload {
  @Field(() => AppMap, { description: 'The new map, with its picture.' })
  appMap!: AppMap;
}

@ObjectType({ description: 'The map after the change.' })
export class UpdateAppMapPayload {
  @Field(() => AppMap, { description: 'The map as it is now.' })
  appMap!: AppMap;
}

@ObjectType({ description: 'What a map deletion removed: the map only, never a cluster object.' })
export class DeleteAppMapPayload {
  @Extensions(globalIdOf('AppMap'))
  @Field(() => ID, { description: 'Id of the deleted map.' })
  deletedAppMapId!: string;
}
