import { CreateClusters1764064800000 } from './1764064800000-CreateClusters.js';
import { CreateUsersAndApiTokens1764151200000 } from './1764151200000-CreateUsersAndApiTokens.js';
import { CreateWorkspaces1764237600000 } from './1764237600000-CreateWorkspaces.js';
import { CreateAuditLog1764237700000 } from './1764237700000-CreateAuditLog.js';
import { CreateBuilds1764237800000 } from './1764237800000-CreateBuilds.js';
import { CreateWorkspaceStorage1764237900000 } from './1764237900000-CreateWorkspaceStorage.js';
import { AddBuildArguments1764238000000 } from './1764238000000-AddBuildArguments.js';
import { CreateCatalog1764238100000 } from './1764238100000-CreateCatalog.js';
import { AddWorkspaceSlugsAndRegistryProjects1764238200000 } from './1764238200000-AddWorkspaceSlugsAndRegistryProjects.js';
import { CreateReleases1764238300000 } from './1764238300000-CreateReleases.js';
import { CreateAppMaps1764238310000 } from './1764238310000-CreateAppMaps.js';
import { LinkReleasesToAppMaps1764238400000 } from './1764238400000-LinkReleasesToAppMaps.js';
import { CreateMetrics1764238500000 } from './1764238500000-CreateMetrics.js';
import { CreateAlerts1764238600000 } from './1764238600000-CreateAlerts.js';
import { CreateMetering1764238700000 } from './1764238700000-CreateMetering.js';
import { AddAlertThresholds1764238800000 } from './1764238800000-AddAlertThresholds.js';

/** Every migration, oldest first; the same list runs on MySQL/MariaDB and the embedded database. */
export const migrations = [
  CreateClusters1764064800000,
  CreateUsersAndApiTokens1764151200000,
  CreateWorkspaces1764237600000,
  CreateAuditLog1764237700000,
  CreateBuilds1764237800000,
  CreateWorkspaceStorage1764237900000,
  AddBuildArguments1764238000000,
  CreateCatalog1764238100000,
  AddWorkspaceSlugsAndRegistryProjects1764238200000,
  CreateReleases1764238300000,
  CreateAppMaps1764238310000,
  LinkReleasesToAppMaps1764238400000,
  CreateMetrics1764238500000,
  CreateAlerts1764238600000,
  CreateMetering1764238700000,
  AddAlertThresholds1764238800000,
];
