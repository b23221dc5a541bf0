/** Kept in step with global-setup.ts, which checks these are reachable before any test runs. */
export const MARIADB_URL = process.env.TEST_DATABASE_URL ?? 'mariadb://root@127.0.0.1:3306/test';
export const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
