/**
 * The database pool under pressure, on the shared MariaDB (a database of this file's own):
 * - every connection busy and the queue for one full: requests fail at once, or after the acquire
 *   timeout, with a retryable UNAVAILABLE — never hang — and the pool serves again once freed;
 * - a real deadlock between two transactions: the gateway's idempotent one (adding a member) is
 *   the victim, is run again, and succeeds.
 */
import { randomBytes } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';
import { localKeyOf } from '../src/shared/global-id.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { waitFor } from './support/wait.js';

const SET_PRICES = `mutation ($input: PriceTableInput!) { setPriceTable(input: $input) { provider region cpuCoreHour } }`;
const PRICES = `query { priceTables { provider region } }`;
const CREATE_WORKSPACE = `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id } } }`;
const CREATE_USER = `mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`;
const ADD_MEMBER = `mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role user { id } } workspace { id memberCount } } }`;

async function openTables(gateway: TestGateway): Promise<Connection> {
  return createConnection({ uri: gateway.database.url.replace(/^mariadb:/, 'mysql:'), timezone: 'Z' });
}

async function rowsOf<T>(connection: Connection, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await connection.query(sql, params))[0] as T[];
}

describe('a full pool and its full queue', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(
      // One connection, one request waiting for it, one second's wait; a generous operation timeout, so only the pool can answer first.
      {
        database: { kind: 'mysql', url: database.url, connectionLimit: 1, queueLimit: 1, acquireTimeoutMs: 1000 },
        limits: { operationTimeoutSeconds: 20, maxConcurrentOperations: 16 },
      },
      { database },
    );
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  /** A second request, sent once the first waits in the pool's queue. */
  async function refusedWhileQueued() {
    await waitFor('a request waiting for a connection', async () => {
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      return /^kda_db_pool_queued_requests [1-9]\d*$/m.test(text);
    });
    return gateway.request(PRICES);
  }

  it('answers UNAVAILABLE (database busy, retryable) instead of waiting for ever, and serves again once a connection is free', async () => {
    expect(
      (await gateway.request(SET_PRICES, { input: { provider: 'EKS', region: 'us-east-1', cpuCoreHour: 0.1, memoryGiBHour: 0.01, storageGiBHour: 0.001, currency: 'USD' } }))
        .errors,
    ).toBeUndefined();
    // The pool's one connection is held by a mutation whose INSERT waits for a lock this test holds.
    const hold = `kda-hold-${randomBytes(4).toString('hex')}`;
    const holder = await openTables(gateway);
    await holder.query('SELECT GET_LOCK(?, 0)', [hold]);
    await holder.query(`CREATE TRIGGER hold_price_insert BEFORE INSERT ON price_tables FOR EACH ROW SET @held = GET_LOCK('${hold}', 600)`);
    const holding = gateway.request(SET_PRICES, { input: { provider: 'EKS', region: 'us-east-1', cpuCoreHour: 0.3, memoryGiBHour: 0.01, storageGiBHour: 0.001, currency: 'USD' } });
    await waitFor('the mutation to hold the only connection', async () => {
      const [row] = await rowsOf<{ n: number | string }>(holder, "SELECT COUNT(*) AS n FROM information_schema.processlist WHERE state = 'User lock' AND info LIKE ?", [
        `%${hold}%`,
      ]);
      return Number(row?.n) === 1;
    });

    // The first waits in the queue, then gives up after the acquire timeout; the next finds the queue full.
    let answers: Array<Awaited<ReturnType<TestGateway['request']>>>;
    try {
      answers = await Promise.all([gateway.request(PRICES), refusedWhileQueued()]);
    } finally {
      // Lets the held mutation finish whatever happened above, so the gateway can stop.
      await holder.query('SELECT RELEASE_LOCK(?)', [hold]);
    }
    for (const answer of answers) {
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'UNAVAILABLE', reason: 'database-busy', retryable: true, retryAfterSeconds: 1 });
      expect(answer.errors?.[0]?.message).toMatch(/database is busy/);
    }

    expect((await holding).errors).toBeUndefined();
    await holder.query('DROP TRIGGER hold_price_insert');
    await holder.end();
    const after = await gateway.request<{ priceTables: Array<{ provider: string }> }>(PRICES);
    expect(after.errors).toBeUndefined();
  });
});

describe('a deadlock', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('the idempotent transaction that lost it (adding a member) is run again and succeeds', async () => {
    const workspace = (await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(CREATE_WORKSPACE, { input: { name: 'Deadlock Team' } })).data!.createWorkspace
      .workspace.id;
    const user = (await gateway.request<{ createUser: { user: { id: string } } }>(CREATE_USER, { input: { name: 'Dora', email: 'dora@example.com' } })).data!.createUser.user.id;
    const workspaceKey = localKeyOf(workspace, 'Workspace');

    // The other transaction: heavier (rows written), so InnoDB rolls back the gateway's, not this one.
    const other = await openTables(gateway);
    await other.query('CREATE TABLE deadlock_weight (n INT PRIMARY KEY)');
    await other.query('BEGIN');
    await other.query(`INSERT INTO deadlock_weight (n) VALUES ${Array.from({ length: 200 }, (_, n) => `(${n})`).join(',')}`);
    // Locks the workspace's member range: the gateway's INSERT of a member waits for it.
    await other.query('SELECT * FROM workspace_members WHERE workspace_id = ? FOR UPDATE', [workspaceKey]);

    // addWorkspaceMember: locks the workspace row, reads the members, inserts one (waits, above).
    const adding = gateway.request<{ addWorkspaceMember: unknown }>(ADD_MEMBER, { input: { workspaceId: workspace, userId: user, role: 'DEVOPS' } });
    const observer = await openTables(gateway);
    await waitFor('the member INSERT to wait for the lock', async () => {
      const [row] = await rowsOf<{ n: number | string }>(
        observer,
        "SELECT COUNT(*) AS n FROM information_schema.innodb_trx t JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id WHERE t.trx_state = 'LOCK WAIT' AND p.db = DATABASE() AND t.trx_query LIKE 'INSERT INTO `workspace_members`%'",
      );
      return Number(row?.n) === 1;
    });
    // Now this one wants the workspace row the gateway's transaction locked: a cycle. InnoDB rolls back the lighter one.
    await other.query('SELECT id FROM workspaces WHERE id = ? FOR UPDATE', [workspaceKey]);
    const [deadlocks] = await rowsOf<{ Value: string }>(observer, "SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'");
    expect(Number(deadlocks?.Value)).toBeGreaterThan(0);
    await other.query('ROLLBACK');
    await other.end();

    const added = await adding;
    expect(added.errors).toBeUndefined();
    expect(added.data?.addWorkspaceMember).toEqual({ member: { role: 'DEVOPS', user: { id: user } }, workspace: { id: workspace, memberCount: 1 } });
    expect(await rowsOf(observer, 'SELECT role FROM workspace_members WHERE workspace_id = ?', [workspaceKey])).toEqual([{ role: 'DEVOPS' }]);
    await observer.end();
  });
});
