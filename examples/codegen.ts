import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents for the examples, from the gateway's checked-in SDL and the operations beside
// this file: `npm run examples:codegen` rewrites generated/graphql.ts (a test fails when it is stale).
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: 'examples/operations/*.graphql',
  generates: {
    'examples/generated/graphql.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: true },
        scalars: { ID: 'string', DateTime: 'string', JSONObject: 'Record<string, unknown>' },
      },
    },
  },
};

export default config;
