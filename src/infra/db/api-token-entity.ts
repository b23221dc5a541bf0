import { EntitySchema, type ValueTransformer } from 'typeorm';
import { TOKEN_SCOPES, type ApiTokenRecord, type TokenScope } from '../../domains/identity/records.js';

/** The owning user, declared only so the schema knows about the foreign key; the domain uses `userId`. */
type ApiTokenRow = ApiTokenRecord & { user?: unknown };

/** Scopes are stored as JSON text, which both MariaDB and SQLite keep as a plain string. */
const scopesAsJson: ValueTransformer = {
  to: (scopes: TokenScope[] | undefined) => (scopes === undefined ? undefined : JSON.stringify(scopes)),
  from: (stored: string | null): TokenScope[] => {
    const parsed: unknown = stored === null ? [] : JSON.parse(stored);
    // A scope this version does not know grants nothing.
    return Array.isArray(parsed) ? TOKEN_SCOPES.filter((scope) => parsed.includes(scope)) : [];
  },
};

export const ApiTokenEntity = new EntitySchema<ApiTokenRow>({
  name: 'ApiToken',
  tableName: 'api_tokens',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    userId: { name: 'user_id', type: 'varchar', length: 36 },
    name: { type: 'varchar', length: 100 },
    tokenHash: { name: 'token_hash', type: 'varchar', length: 64 },
    prefix: { type: 'varchar', length: 16 },
    scopes: { type: 'varchar', length: 255, transformer: scopesAsJson },
    expiresAt: { name: 'expires_at', type: 'datetime', precision: 6, nullable: true },
    lastUsedAt: { name: 'last_used_at', type: 'datetime', precision: 6, nullable: true },
    revokedAt: { name: 'revoked_at', type: 'datetime', precision: 6, nullable: true },
    createdAt: { name: 'created_at', type: 'datetime', precision: 6, createDate: true },
  },
  relations: {
    user: {
      type: 'many-to-one',
      target: 'User',
      joinColumn: { name: 'user_id', foreignKeyConstraintName: 'FK_api_tokens_user_id' },
      onDelete: 'CASCADE',
    },
  },
  uniques: [{ name: 'UQ_api_tokens_token_hash', columns: ['tokenHash'] }],
  indices: [{ name: 'IDX_api_tokens_user_id', columns: ['userId'] }],
});
