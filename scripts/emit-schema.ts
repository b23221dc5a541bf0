import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { buildGatewaySchema, printGatewaySchema, SCHEMA_FILE } from '../src/graphql/schema.js';

const schema = await buildGatewaySchema();
await writeFile(SCHEMA_FILE, printGatewaySchema(schema));
process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
