/**
 * MariaDB dies in the middle of a mutation's transaction and comes back: the change is rolled back
 * whole, the caller gets a retryable UNAVAILABLE, and the same gateway process serves the next
 * request from its pool. The server is this file's own (killed and restarted on its port and data
 * directory); the shared one on 3306 is never touched.
 */
import type { Connection } from 'mysql2/promise';
import type { TestDatabase } from './support/database.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { PrivateMariaDb } from './support/private-mariadb.js';
import { waitFor } from './support/wait.js';

const SET_PRICES = `mutation ($input: PriceTableInput!) { setPriceTable(input: $input) { provider region cpuCoreHour currency } }`;
const PRICES = `query { priceTables { provider region cpuCoreHour currency } }`;
const OLD = { provider: 'ON_PREMISE', region: 'Seoul', cpuCoreHour: 0.1, memoryGiBHour: 0.01, storageGiBHour: 0.001, currency: 'EUR' };
const NEW = { ...OLD, cpuCoreHour: 0.2, currency: 'USD' };
/** The user-level lock a trigger waits for: the test's deterministic stop inside the transaction. */
const HOLD = 'kda-hold-price-insert';

interface PriceRow {
  provider: string;
  region: string;
  cpu_core_hour: number | string;
  currency: string;
}

let server: PrivateMariaDb;
let database: TestDatabase;
let gateway: TestGateway;

beforeAll(async () => {
  server = await PrivateMariaDb.start();
  database = await server.createDatabase();
  gateway = await startTestGateway({}, { database });
});

afterAll(async () => {
  await gateway?.stop();
  await server?.destroy();
});

/** The stored price tables of ON_PREMISE/Seoul, read past the gateway. */
async function storedPrices(): Promise<PriceRow[]> {
  return server.withConnection(async (connection) => {
    const [rows] = await connection.query("SELECT provider, region, cpu_core_hour, currency FROM price_tables WHERE provider = 'ON_PREMISE' AND region = 'Seoul'");
    return rows as PriceRow[];
  }, database.name);
}

it('a mutation whose MariaDB is killed mid-transaction leaves nothing half-written, answers UNAVAILABLE with a retry hint, and the same process serves the next request', async () => {
  expect((await gateway.request(SET_PRICES, { input: OLD })).errors).toBeUndefined();

  // setPriceTable replaces the row: DELETE, then INSERT, in one transaction. A trigger makes the
  // INSERT wait for a lock this connection holds, so the server dies after the DELETE ran.
  const holder: Connection = await server.connect(database.name);
  await holder.query('SELECT GET_LOCK(?, 0)', [HOLD]);
  await holder.query(`CREATE TRIGGER hold_price_insert BEFORE INSERT ON price_tables FOR EACH ROW SET @held = GET_LOCK('${HOLD}', 600)`);
  const pending = gateway.request<{ setPriceTable: unknown }>(SET_PRICES, { input: NEW });
  await waitFor('the INSERT to wait inside the transaction, after its DELETE', async () => {
    const [rows] = await holder.query("SELECT COUNT(*) AS n FROM information_schema.processlist WHERE state = 'User lock' AND info LIKE ?", [`%${HOLD}%`]);
    return Number((rows as Array<{ n: number | string }>)[0]?.n) === 1;
  });

  await server.kill();
  holder.destroy();
  const failed = await pending;
  expect(failed.data?.setPriceTable ?? null).toBeNull();
  expect(failed.errors?.[0]?.extensions).toMatchObject({ code: 'UNAVAILABLE', reason: 'database-unreachable', retryable: true, retryAfterSeconds: 1 });
  expect(failed.errors?.[0]?.message).toMatch(/database cannot be reached.*nothing was changed, try again/);

  // While it is down, a request fails the same way at once instead of hanging.
  const whileDown = await gateway.request(SET_PRICES, { input: NEW });
  expect(whileDown.errors?.[0]?.extensions).toMatchObject({ code: 'UNAVAILABLE', retryable: true });

  await server.start();
  await server.withConnection((connection) => connection.query('DROP TRIGGER hold_price_insert'), database.name);
  // Crash recovery rolled the transaction back: the old row, not a deleted one, nor the new one.
  expect(await storedPrices()).toEqual([{ provider: 'ON_PREMISE', region: 'Seoul', cpu_core_hour: 0.1, currency: 'EUR' }]);

  // The same gateway process: its pool drops the dead connections and opens new ones.
  const retried = await gateway.request<{ setPriceTable: unknown }>(SET_PRICES, { input: NEW });
  expect(retried.errors).toBeUndefined();
  expect(retried.data?.setPriceTable).toEqual({ provider: 'ON_PREMISE', region: 'Seoul', cpuCoreHour: 0.2, currency: 'USD' });
  const read = await gateway.request<{ priceTables: Array<{ provider: string; region: string }> }>(PRICES);
  expect(read.data?.priceTables.filter((table) => table.provider === 'ON_PREMISE' && table.region === 'Seoul')).toEqual([
    { provider: 'ON_PREMISE', region: 'Seoul', cpuCoreHour: 0.2, currency: 'USD' },
  ]);
});
