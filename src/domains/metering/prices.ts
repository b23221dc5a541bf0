import { BadInputError } from '../../shared/errors.js';

export interface Prices {
  readonly cpuCoreHour: number;
  readonly memoryGiBHour: number;
  readonly storageGiBHour: number;
  /** ISO 4217, upper case. */
  readonly currency: string;
}

export interface PriceTable extends Prices {
  readonly provider: string;
  /** `*`: every region of the provider without a table of its own. */
  readonly region: string;
  /** Null for a built-in default never set by an administrator. */
  readonly updatedAt: Date | null;
}

export const ANY_REGION = '*';

/**
 * Built-in defaults, USD, on-demand list prices (checked 2025-11) split into a per-vCPU-hour and a
 * per-GiB-hour part the way OpenCost does (its default pricing sheet charges 0.031611 USD per
 * vCPU-hour and 0.004237 per GiB-hour, i.e. GCP N1 custom machine rates):
 * - GKE: N2 custom vCPU 0.031611 / GiB 0.004237 (us-central1), pd-balanced 0.10 per GiB-month.
 * - EKS: m5.large 0.096/h for 2 vCPU + 8 GiB, split at the same CPU:memory ratio (0.03125 / 0.00419),
 *   gp3 0.08 per GiB-month.
 * - AKS: D2s v5 0.096/h for 2 vCPU + 8 GiB, split likewise, Standard SSD ~0.075 per GiB-month.
 * - ON_PREMISE and OTHER: OpenCost's own defaults (storage 0.04 per GiB-month).
 * A month is 730 hours. Administrators set what they really pay with setPriceTable.
 */
export const DEFAULT_PRICES: Readonly<Record<string, Prices>> = {
  GKE: { cpuCoreHour: 0.031611, memoryGiBHour: 0.004237, storageGiBHour: 0.1 / 730, currency: 'USD' },
  EKS: { cpuCoreHour: 0.03125, memoryGiBHour: 0.00419, storageGiBHour: 0.08 / 730, currency: 'USD' },
  AKS: { cpuCoreHour: 0.03125, memoryGiBHour: 0.00419, storageGiBHour: 0.075 / 730, currency: 'USD' },
  ON_PREMISE: { cpuCoreHour: 0.031611, memoryGiBHour: 0.004237, storageGiBHour: 0.04 / 730, currency: 'USD' },
  OTHER: { cpuCoreHour: 0.031611, memoryGiBHour: 0.004237, storageGiBHour: 0.04 / 730, currency: 'USD' },
};

export function defaultPricesOf(provider: string): Prices {
  return DEFAULT_PRICES[provider] ?? (DEFAULT_PRICES['OTHER'] as Prices);
}

export interface PriceTableInput {
  readonly provider: string;
  readonly region?: string | null | undefined;
  readonly cpuCoreHour?: number | null | undefined;
  readonly memoryGiBHour?: number | null | undefined;
  readonly storageGiBHour?: number | null | undefined;
  readonly currency?: string | null | undefined;
}

const CURRENCY = /^[A-Z]{3}$/;

function price(field: string, value: number | null | undefined): number {
  if (value === null || value === undefined) throw new BadInputError(`input.${field}`, 'a price is required');
  if (!Number.isFinite(value) || value < 0) throw new BadInputError(`input.${field}`, 'a price is a finite number, zero or more');
  return value;
}

/** Checks everything before anything is written; names the first bad field. */
export function validatePriceTable(input: PriceTableInput, now: Date): PriceTable {
  if (!(input.provider in DEFAULT_PRICES)) throw new BadInputError('input.provider', `one of ${Object.keys(DEFAULT_PRICES).join(', ')}`);
  const region = (input.region ?? ANY_REGION).trim();
  if (region.length === 0 || region.length > 64) throw new BadInputError('input.region', 'from 1 to 64 characters (or * for every region)');
  const currency = input.currency ?? '';
  // Codes are not checked against the ISO list (it changes); the shape is.
  if (!CURRENCY.test(currency)) throw new BadInputError('input.currency', 'an ISO 4217 code: three upper-case letters, e.g. USD');
  return {
    provider: input.provider,
    region,
    cpuCoreHour: price('cpuCoreHour', input.cpuCoreHour),
    memoryGiBHour: price('memoryGiBHour', input.memoryGiBHour),
    storageGiBHour: price('storageGiBHour', input.storageGiBHour),
    currency,
    updatedAt: now,
  };
}
