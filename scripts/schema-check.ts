import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { buildSchema } from 'graphql';
import { buildGatewaySchema, printGatewaySchema, SCHEMA_FILE } from '../src/graphql/schema.js';
import { CHANGELOG_FILE, checkCompatibility, formatReport, latestReleasedSchema, unlistedBreakingChanges } from './schema-compatibility.js';

// `npm run schema:check`: the served schema must equal the checked-in SDL, and every breaking change
// since the last release must be listed in the changelog.
const served = await buildGatewaySchema();
const checkedIn = await readFile(SCHEMA_FILE, 'utf8');
let failed = false;
if (checkedIn !== printGatewaySchema(served)) {
  process.stdout.write(`${SCHEMA_FILE} differs from the schema the code serves: run \`npm run schema\` and commit it.\n`);
  failed = true;
}
const report = await checkCompatibility(buildSchema(printGatewaySchema(served)), await latestReleasedSchema(), await readFile(CHANGELOG_FILE, 'utf8'));
process.stdout.write(`${formatReport(report)}\n`);
if (unlistedBreakingChanges(report).length > 0) failed = true;
process.exit(failed ? 1 : 0);
