import type { BuildPreset, BuildService, RegistryRecord, RegistryService } from '../domains/builds/index.js';
import type { Principal } from '../domains/identity/index.js';
import type { WorkspaceService } from '../domains/workspaces/index.js';
import type { Logger } from '../shared/logger.js';
import { startSimulatedRegistry, type SimulatedRegistry } from '../simulator/index.js';

/** Images of the demo builds are small; the cap only keeps a runaway client from eating memory. */
const DEMO_REGISTRY_MAX_BYTES = 256 * 1024 * 1024;
/** Where the demo builds run: the on-premise demo cluster, allotted whole or in part to every team. */
const BUILD_CLUSTER = 'acorn-demo-cluster';

interface DemoBuild {
  readonly name: string;
  /** scp-like git URLs: defining them needs no network (only http(s) sources are probed). */
  readonly sourceUrl: string;
  readonly ref: string;
  readonly preset: BuildPreset;
  readonly dockerfile?: string;
  readonly imageRepository: string;
}

/** The builds of the product demo, per team; `simulate/fail-at-4` gives the demo its ERROR 4/6. */
const DEMO_BUILDS: Readonly<Record<string, readonly DemoBuild[]>> = {
  'Cloud Team': [
    { name: 'demo-was-ant', sourceUrl: 'git@git.acornsoft.example:cloud/demo-was-ant.git', ref: 'main', preset: 'JAVA_MAVEN', imageRepository: 'cloud-team/demo-was-ant' },
    { name: 'build-step', sourceUrl: 'git@git.acornsoft.example:cloud/build-step.git', ref: 'simulate/fail-at-4', preset: 'NODEJS', imageRepository: 'cloud-team/build-step' },
    {
      name: 'demo-jupyterlab',
      sourceUrl: 'git@git.acornsoft.example:cloud/demo-jupyterlab.git',
      ref: 'main',
      preset: 'DOCKERFILE',
      dockerfile: 'docker/jupyterlab/Dockerfile',
      imageRepository: 'cloud-team/demo-jupyterlab',
    },
    { name: 'nginx', sourceUrl: 'git@git.acornsoft.example:cloud/nginx.git', ref: 'stable', preset: 'DOCKERFILE', dockerfile: 'Dockerfile', imageRepository: 'cloud-team/nginx' },
    {
      name: 'rstudio',
      sourceUrl: 'git@git.acornsoft.example:cloud/rstudio.git',
      ref: 'main',
      preset: 'DOCKERFILE',
      dockerfile: 'Dockerfile',
      imageRepository: 'cloud-team/rstudio',
    },
  ],
  'Sports Team': [
    { name: 'electro-shop', sourceUrl: 'git@git.acornsoft.example:sports/electro-shop.git', ref: 'main', preset: 'NODEJS', imageRepository: 'sports-team/electro-shop' },
  ],
  'MIS Team': [{ name: 'jupyter-spark', sourceUrl: 'git@git.acornsoft.example:mis/jupyter-spark.git', ref: 'main', preset: 'PYTHON', imageRepository: 'mis-team/jupyter-spark' }],
};

/**
 * The embedded default's image registry: simulated, in memory, on a new loopback port each start.
 * Images pushed before a restart are gone after it; run history keeps their digests and sizes.
 */
export async function startDemoRegistry(logger: Logger): Promise<SimulatedRegistry> {
  const registry = await startSimulatedRegistry({ maxBytes: DEMO_REGISTRY_MAX_BYTES });
  logger.info('simulated registry started', { url: registry.url });
  return registry;
}

export interface DemoBuildDeps {
  readonly builds: BuildService;
  readonly registries: RegistryService;
  readonly workspaces: WorkspaceService;
  readonly admin: Principal;
  /** The platform (BUILTIN) registry the demo builds push to. */
  readonly registry: RegistryRecord;
  readonly clusterIdByName: ReadonlyMap<string, string>;
  readonly logger: Logger;
}

/**
 * Defines the demo builds through the build service and starts a first run of each, so every status,
 * step, digest and size comes from the real machinery. Only for a team that has no builds yet, so a
 * restart on the same database adds nothing; a problem is logged and never stops the gateway.
 */
export async function seedDemoBuilds(deps: DemoBuildDeps): Promise<void> {
  const clusterId = deps.clusterIdByName.get(BUILD_CLUSTER);
  if (clusterId === undefined) {
    deps.logger.warn('demo builds not seeded: no build cluster', { cluster: BUILD_CLUSTER });
    return;
  }
  for (const workspace of await deps.workspaces.listVisible(deps.admin)) {
    const demoBuilds = DEMO_BUILDS[workspace.name];
    if (demoBuilds === undefined) continue;
    try {
      if ((await deps.builds.list(deps.admin, workspace.id)).length > 0) continue;
      await deps.registries.allot(workspace.id, deps.registry.id);
      for (const demo of demoBuilds) {
        const build = await deps.builds.create(deps.admin, { workspaceId: workspace.id, registryId: deps.registry.id, clusterId, dockerfile: null, ...demo });
        await deps.builds.run(deps.admin, build.id);
      }
      deps.logger.info('demo builds started', { workspace: workspace.name, builds: demoBuilds.map((demo) => demo.name) });
    } catch (error) {
      deps.logger.warn('cannot seed the demo builds', { workspace: workspace.name, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
