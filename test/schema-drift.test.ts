import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { buildGatewaySchema, printGatewaySchema, SCHEMA_FILE } from '../src/graphql/schema.js';
import { isIntrospectionType, isObjectType, isInputObjectType, isInterfaceType, isEnumType, isScalarType, isSpecifiedScalarType } from 'graphql';

describe('schema/schema.graphql', () => {
  test('matches the schema the code builds (run `npm run schema` after changing resolvers or types)', async () => {
    const schema = await buildGatewaySchema();
    expect(await readFile(SCHEMA_FILE, 'utf8')).toBe(printGatewaySchema(schema));
  });

  test('every type, field, argument and enum value has a description', async () => {
    const schema = await buildGatewaySchema();
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (isIntrospectionType(type) || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) {
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
