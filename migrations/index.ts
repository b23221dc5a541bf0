import { CreateClusters1764064800000 } from './1764064800000-CreateClusters.js';

/** Every migration, oldest first; the same list runs on MySQL/MariaDB and the embedded database. */
export const migrations = [CreateClusters1764064800000];
