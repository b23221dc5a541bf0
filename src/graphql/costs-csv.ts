/**
 * `GET /costs.csv?workspaceId=…|clusterId=…|appMapId=…&from=YYYY-MM-DD&to=YYYY-MM-DD`: the
 * `costs` query as a spreadsheet, with the same Bearer authentication and access rules (a target
 * the caller may not see is 404, as the query's NOT_FOUND).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import type { CostReport, Figures, MeteringService } from '../domains/metering/index.js';
import { checkScope, type Principal } from '../domains/identity/index.js';
import { localKeyOf } from '../shared/global-id.js';
import { DomainError } from '../shared/errors.js';
import type { Route } from './http-server.js';

export const COSTS_CSV_PATH = '/costs.csv';

const STATUS: Readonly<Record<string, number>> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409 };
const COLUMNS = ['date', 'cpuCoreHours', 'memoryGiBHours', 'storageGiBHours', 'cpuCost', 'memoryCost', 'storageCost', 'total', 'currency'] as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function line(label: string, figures: Figures, currency: string): string {
  return [label, figures.cpuCoreHours, figures.memoryGiBHours, figures.storageGiBHours, figures.cpuCost, figures.memoryCost, figures.storageCost, figures.total, currency].join(
    ',',
  );
}

/** One row per day, then the total and (when the report has them) idle, unallotted and unmapped, labelled in the date column. */
export function costsCsv(report: CostReport): string {
  const rows = [COLUMNS.join(','), ...report.days.map((day) => line(day.date, day, report.currency)), line('total', report.total, report.currency)];
  for (const [label, figures] of [
    ['idle', report.idle],
    ['unallotted', report.unallotted],
    ['unmapped', report.unmapped],
  ] as const) {
    if (figures !== null) rows.push(line(label, figures, report.currency));
  }
  return `${rows.join('\r\n')}\r\n`;
}

function dateParameter(params: URLSearchParams, field: 'from' | 'to'): Date {
  const value = params.get(field) ?? '';
  const parsed = new Date(`${value}T00:00:00Z`);
  if (!DAY.test(value) || Number.isNaN(parsed.getTime())) throw new DomainError('BAD_USER_INPUT', `${field}: a UTC day, YYYY-MM-DD`, { field });
  return parsed;
}

export interface CostsCsvDeps {
  readonly authenticate: (authorization: string | undefined) => Promise<Principal | null>;
  readonly metering: MeteringService;
  /** Spends the caller's request budget, as a GraphQL request does; throws RATE_LIMITED when it is used up. */
  readonly spend: (principal: Principal | null, address: string | undefined) => void;
}

export function createCostsCsvRoute(deps: CostsCsvDeps): Route {
  return async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://gateway');
    if (url.pathname !== COSTS_CSV_PATH) return false;
    const fail = (status: number, code: string, message: string) => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}) });
      response.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
      return true;
    };
    if (request.method !== 'GET') return fail(405, 'METHOD_NOT_ALLOWED', 'GET only');
    try {
      const principal = await deps.authenticate(request.headers.authorization);
      // The same request budget as the graph: a report reads many rows, so it is no way around the limit.
      deps.spend(principal, request.socket.remoteAddress);
      if (principal === null) return fail(401, 'UNAUTHENTICATED', 'Authentication required: send a valid bearer token');
      // A read, as the query: a token needs the scope a query needs.
      checkScope(principal, 'query');
      const id = (name: string, type: string) => {
        const value = url.searchParams.get(name);
        return value === null ? null : localKeyOf(value, type);
      };
      const report = await deps.metering.costs(
        principal,
        { workspaceId: id('workspaceId', 'Workspace'), clusterId: id('clusterId', 'Cluster'), appMapId: id('appMapId', 'AppMap') },
        dateParameter(url.searchParams, 'from'),
        dateParameter(url.searchParams, 'to'),
      );
      response.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'cache-control': 'no-store', 'content-disposition': 'attachment; filename="costs.csv"' });
      response.end(costsCsv(report));
      return true;
    } catch (error) {
      if (error instanceof DomainError && STATUS[error.code] !== undefined) return fail(STATUS[error.code] as number, error.code, error.message);
      if (error instanceof GraphQLError && error.extensions.code === 'RATE_LIMITED') return fail(429, 'RATE_LIMITED', error.message);
      throw error;
    }
  };
}
