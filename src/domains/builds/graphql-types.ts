import { DateTimeResolver } from 'graphql-scalars';
import { Extensions, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { globalIdOf, Node } from '../../shared/node.js';
import type { BuildRecord, BuildRunRecord, RegistryRecord } from './records.js';

export const RegistryKindEnum = { BUILTIN: 'BUILTIN', PRIVATE: 'PRIVATE', PUBLIC: 'PUBLIC' } as const;
registerEnumType(RegistryKindEnum, {
  name: 'RegistryKind',
  description: 'Where images go.',
  valuesConfig: {
    BUILTIN: { description: 'The registry the platform runs.' },
    PRIVATE: { description: 'A private registry reached with credentials.' },
    PUBLIC: { description: 'A public registry (credentials optional, e.g. to push).' },
  },
});

export const BuildPresetEnum = { NODEJS: 'NODEJS', JAVA_MAVEN: 'JAVA_MAVEN', PYTHON: 'PYTHON', GO: 'GO', DOCKERFILE: 'DOCKERFILE' } as const;
registerEnumType(BuildPresetEnum, {
  name: 'BuildPreset',
  description:
    "How the image is built: a language preset, or the repository's own Dockerfile (DOCKERFILE, with `dockerfile`). A language preset builds the repository's Dockerfile when it has one at its root, else the Dockerfile the preset generates.",
  valuesConfig: {
    NODEJS: { description: 'Node.js LTS: npm ci (npm install without a lockfile), npm run build, npm start as a non-root user. See Build.presetDockerfile.' },
    JAVA_MAVEN: { description: 'Java 21 with Maven: mvn package, the jar run on a JRE 21 image. See Build.presetDockerfile.' },
    PYTHON: { description: 'Python 3.12: pip install -r requirements.txt, python -m APP_MODULE (gunicorn when installed). See Build.presetDockerfile.' },
    GO: { description: 'Go: a static binary (CGO_ENABLED=0) in distroless static, non-root. See Build.presetDockerfile.' },
    DOCKERFILE: { description: "The repository's own Dockerfile, at `dockerfile`." },
  },
});

export const BuildRunStatusEnum = { PENDING: 'PENDING', RUNNING: 'RUNNING', SUCCEEDED: 'SUCCEEDED', FAILED: 'FAILED', CANCELLED: 'CANCELLED' } as const;
registerEnumType(BuildRunStatusEnum, {
  name: 'BuildRunStatus',
  description: 'Where a build run is.',
  valuesConfig: {
    PENDING: { description: 'Its Job is created; its pod has not started.' },
    RUNNING: { description: 'Its pod runs the steps.' },
    SUCCEEDED: { description: 'Every step passed and the image is in the registry.' },
    FAILED: { description: 'A step failed (see failedStep).' },
    CANCELLED: { description: 'Stopped by cancelBuildRun.' },
  },
});

@ObjectType({ implements: Node, description: 'A tag of a repository in a registry, with its manifest digest and image size (config plus layers).' })
export class RegistryTag {
  @Field(() => ID, { description: 'Global id of the tag (registry, repository and tag name).' })
  id!: string;

  @Field({ description: 'Tag name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Manifest digest (sha256:…); null when the manifest cannot be read.' })
  digest!: string | null;

  @Field(() => Float, { nullable: true, description: 'Bytes: the image config and its layers (compressed), as the manifest declares.' })
  sizeBytes!: number | null;
}

@ObjectType({ implements: Node, description: 'A repository of a registry.' })
export class RegistryRepository {
  @Field(() => ID, { description: 'Global id of the repository (registry and repository name).' })
  id!: string;

  @Field({ description: 'Repository name, e.g. team/app.' })
  name!: string;

  /** Not a field: lets `tags` read from its registry. */
  registry!: RegistryRecord;
}

@ObjectType({ implements: Node, description: 'An image registry. Its password is stored encrypted and never shown.' })
export class Registry {
  record!: RegistryRecord;

  @Field(() => ID, { description: 'Global id of the registry.' })
  id!: string;

  @Field({ description: 'Unique name.' })
  name!: string;

  @Field({ description: 'Base URL (the API is at <url>/v2/).' })
  url!: string;

  @Field(() => RegistryKindEnum, { description: 'Built-in, private or public.' })
  kind!: string;

  @Field(() => String, { nullable: true, description: 'User the gateway signs in as; null: anonymous.' })
  username!: string | null;
}

@ObjectType({ description: 'A build argument: `--build-arg NAME=VALUE`.' })
export class BuildArgument {
  @Field({ description: 'ARG name.' })
  name!: string;

  @Field({ description: 'Its value.' })
  value!: string;
}

@ObjectType({ implements: Node, description: 'How an image is built from source: repository, ref, preset, and where it is pushed.' })
export class Build {
  record!: BuildRecord;

  @Field(() => ID, { description: 'Global id of the build.' })
  id!: string;

  @Extensions(globalIdOf('Workspace'))
  @Field(() => ID, { description: 'The workspace it belongs to.' })
  workspaceId!: string;

  @Field({ description: 'Unique in its workspace.' })
  name!: string;

  @Field({ description: 'Source repository URL.' })
  sourceUrl!: string;

  @Field({ description: 'Branch, tag or commit built.' })
  ref!: string;

  @Field(() => BuildPresetEnum, { description: 'How the image is built.' })
  preset!: string;

  @Field(() => String, { nullable: true, description: 'Dockerfile path (preset DOCKERFILE).' })
  dockerfile!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The Dockerfile this build's language preset generates and builds when the repository has no Dockerfile at its root (one there is used instead); null for preset DOCKERFILE. Fixed per preset: build arguments reach its ARGs (NODEJS: none; PYTHON: APP_MODULE, APP_CALLABLE; GO: GO_PACKAGE), nothing else of the build is written into it.",
  })
  presetDockerfile!: string | null;

  @Field(() => [BuildArgument], { description: 'Build arguments passed as `--build-arg NAME=VALUE`, in order.' })
  buildArgs!: BuildArgument[];

  @Field({ description: 'Repository in the registry, e.g. team/app.' })
  imageRepository!: string;

  @Extensions(globalIdOf('Cluster'))
  @Field(() => ID, { description: 'The build cluster its Jobs run in.' })
  clusterId!: string;

  @Field(() => Int, { description: 'Steps a run goes through (clone, prepare, dependencies, compile, image, push).' })
  stepsTotal!: number;

  @Field(() => DateTimeResolver, { description: 'When it was defined.' })
  createdAt!: string;
}

@ObjectType({ description: "One line of a run's log." })
export class BuildLogLine {
  @Field(() => Int, { description: 'From 1 per run.' })
  number!: number;

  @Field(() => Int, { description: 'The step it belongs to (0: before the first step).' })
  step!: number;

  @Field({ description: 'The line, without its newline.' })
  text!: string;

  @Field(() => DateTimeResolver, { description: 'When the gateway read it.' })
  at!: string;
}

@ObjectType({ implements: Node, description: 'One run of a build: a Kubernetes Job in the build cluster.' })
export class BuildRun {
  record!: BuildRunRecord;

  @Field(() => ID, { description: 'Global id of the run.' })
  id!: string;

  @Extensions(globalIdOf('Build'))
  @Field(() => ID, { description: 'The build it is a run of.' })
  buildId!: string;

  @Field(() => Int, { description: 'From 1 per build.' })
  number!: number;

  @Field(() => BuildRunStatusEnum, { description: 'Where the run is.' })
  status!: string;

  @Field({ description: 'As the build list shows it: DONE, RUNNING, ERROR 4/6, CANCELLED.' })
  statusDisplay!: string;

  @Field(() => Int, { description: 'Steps of the run.' })
  stepsTotal!: number;

  @Field(() => Int, { description: 'Steps completed.' })
  stepsDone!: number;

  @Field(() => Int, { nullable: true, description: 'The step that failed (1-based), when it failed.' })
  failedStep!: number | null;

  @Field({ description: 'host/repository:tag pushed.' })
  image!: string;

  @Field(() => String, { nullable: true, description: 'Digest of the pushed manifest, once pushed.' })
  imageDigest!: string | null;

  @Field(() => Float, { nullable: true, description: 'Read from the registry once pushed: config plus layers, in bytes.' })
  imageSizeBytes!: number | null;

  @Field(() => String, { nullable: true, description: 'Why it failed or ended, when it did.' })
  message!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When its pod started.' })
  startedAt!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it ended.' })
  finishedAt!: string | null;
}

@InputType({ description: 'A registry to add; the credentials are tried against its /v2/ first.' })
export class CreateRegistryInput {
  @Field({ description: 'Unique name: lowercase letters, digits, dashes.' })
  name!: string;

  @Field({ description: 'http(s) base URL.' })
  url!: string;

  @Field(() => RegistryKindEnum, { description: 'Built-in, private or public.' })
  kind!: string;

  @Field(() => String, { nullable: true, description: 'User to sign in as; with password.' })
  username?: string | null;

  @Field(() => String, { nullable: true, description: 'Stored encrypted; never returned.' })
  password?: string | null;
}

@InputType({ description: 'One build argument.' })
export class BuildArgumentInput {
  @Field({ description: 'ARG name: letters, digits and underscores, not starting with a digit.' })
  name!: string;

  @Field({ description: 'Its value: one line, at most 4096 characters.' })
  value!: string;
}

@InputType({ description: 'A build definition.' })
export class CreateBuildInput {
  @Field(() => ID, { description: 'The workspace.' })
  workspaceId!: string;

  @Field({ description: 'Unique in the workspace: lowercase letters, digits, dashes.' })
  name!: string;

  @Field({ description: 'http(s)://, git://, ssh:// or git@host:path; http(s) ones must answer.' })
  sourceUrl!: string;

  @Field({ description: 'Branch, tag or commit to build.' })
  ref!: string;

  @Field(() => BuildPresetEnum, { description: 'Language preset, or DOCKERFILE.' })
  preset!: string;

  @Field(() => String, { nullable: true, description: 'With preset DOCKERFILE: its path in the repository.' })
  dockerfile?: string | null;

  @Field(() => [BuildArgumentInput], { nullable: true, description: 'Build arguments (Dockerfile ARGs): at most 50, names unique, values one line.' })
  buildArgs?: BuildArgumentInput[] | null;

  @Field({ description: 'Repository to push to, e.g. team/app; the tag is run-<number>.' })
  imageRepository!: string;

  @Field(() => ID, { description: 'A registry allotted to the workspace.' })
  registryId!: string;

  @Field(() => ID, { description: 'The build cluster: one allotted to the workspace.' })
  clusterId!: string;
}
