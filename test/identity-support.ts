import { createConnection, type Connection } from 'mysql2/promise';
import type { TestGateway } from './support/gateway.js';

/** Reads the gateway's own tables directly, to prove what was (not) written. */
export async function openTables(gateway: TestGateway): Promise<{ query<T>(sql: string, params?: unknown[]): Promise<T[]>; close(): Promise<void> }> {
  const connection: Connection = await createConnection({ uri: gateway.database.url.replace(/^mariadb:/, 'mysql:'), timezone: 'Z' });
  return {
    query: async <T>(sql: string, params: unknown[] = []) => (await connection.query(sql, params))[0] as T[],
    close: () => connection.end(),
  };
}

export const CREATE_USER = `mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id name email systemRole } } }`;
export const CREATE_TOKEN = `mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { id userId name prefix scopes expiresAt lastUsedAt revokedAt createdAt } } }`;
export const REVOKE_TOKEN = `mutation ($input: RevokeApiTokenInput!) { revokeApiToken(input: $input) { apiToken { id revokedAt } } }`;
export const ME = `{ me { id name email systemRole apiTokens { edges { node { id name prefix scopes lastUsedAt revokedAt } } } } }`;

export interface CreatedUser {
  readonly id: string;
  readonly email: string;
}

export async function createUser(gateway: TestGateway, input: { name: string; email: string; systemRole?: 'ADMIN' | 'USER' }): Promise<CreatedUser> {
  const response = await gateway.request<{ createUser: { user: CreatedUser } }>(CREATE_USER, { input });
  if (!response.data?.createUser) throw new Error(`createUser failed: ${JSON.stringify(response.errors)}`);
  return response.data.createUser.user;
}

export async function createToken(gateway: TestGateway, input: Record<string, unknown>, as?: string): Promise<{ token: string; id: string }> {
  const response = await gateway.request<{ createApiToken: { token: string; apiToken: { id: string } } }>(CREATE_TOKEN, { input }, as);
  if (!response.data?.createApiToken) throw new Error(`createApiToken failed: ${JSON.stringify(response.errors)}`);
  return { token: response.data.createApiToken.token, id: response.data.createApiToken.apiToken.id };
}
