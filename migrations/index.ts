import { CreateClusters1764064800000 } from './1764064800000-CreateClusters.js';
import { CreateUsersAndApiTokens1764151200000 } from './1764151200000-CreateUsersAndApiTokens.js';

/** Every migration, oldest first; the same list runs on MySQL/MariaDB and the embedded database. */
export const migrations = [CreateClusters1764064800000, CreateUsersAndApiTokens1764151200000];
