export { MeteringService, MAX_DAYS, type CostReport, type CostRequest, type Figures } from './metering-service.js';
export { MeteringResolver } from './metering-resolver.js';
export { CostReportType } from './graphql-types.js';
export type { MeteringContext } from './context.js';
export { ANY_REGION, DEFAULT_PRICES, validatePriceTable, type PriceTable, type PriceTableInput, type Prices } from './prices.js';
export type * from './ports.js';
