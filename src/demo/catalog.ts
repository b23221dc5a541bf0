import type { CatalogService } from '../domains/catalog/index.js';
import type { Principal } from '../domains/identity/index.js';
import type { Logger } from '../shared/logger.js';
import { DEMO_PACKAGES } from './catalog/index.js';

export interface DemoCatalogDeps {
  readonly catalog: CatalogService;
  readonly admin: Principal;
  readonly logger: Logger;
}

/**
 * Fills the global catalog with the demo cards and templates, through the catalog service as an
 * administrator would (every version is checked and rendered once by the import). Only into an empty
 * global catalog, so a restart keeps what users changed; a problem is logged and never stops the gateway.
 */
export async function seedDemoCatalog(deps: DemoCatalogDeps): Promise<void> {
  const { catalog, admin, logger } = deps;
  if ((await catalog.list(admin, { scope: 'GLOBAL' })).length > 0) return;
  for (const demo of DEMO_PACKAGES) {
    try {
      const created = await catalog.create(admin, { workspaceId: null, name: demo.name, description: demo.description, icon: demo.icon, tags: demo.tags });
      for (const version of demo.versions) await catalog.importVersion(admin, { packageId: created.id, ...version });
    } catch (error) {
      logger.warn('cannot seed a demo catalog package', { name: demo.name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  logger.info('demo catalog seeded', { packages: DEMO_PACKAGES.length });
}
