import 'reflect-metadata';
import { loadConfig } from '../src/config/config.js';
import { createDataSource } from '../src/infra/db/data-source.js';

/** `up` applies pending migrations; `down` reverts the newest one. Uses DATABASE_URL like the gateway. */
const direction = process.argv[2];
if (direction !== 'up' && direction !== 'down') {
  process.stderr.write('usage: migrate up|down\n');
  process.exit(2);
}
const dataSource = await createDataSource(loadConfig(process.env).database).initialize();
try {
  if (direction === 'up') {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    process.stdout.write(applied.length === 0 ? 'no pending migrations\n' : applied.map((migration) => `applied ${migration.name}\n`).join(''));
  } else {
    await dataSource.undoLastMigration({ transaction: 'each' });
    process.stdout.write('reverted the newest migration\n');
  }
} finally {
  await dataSource.destroy();
}
