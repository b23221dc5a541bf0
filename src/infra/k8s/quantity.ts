/**
 * Kubernetes resource.Quantity parsing ("500m", "2", "16314372Ki", "1Gi", "1G", "1e3", "1.5").
 * Returns undefined for anything that is not a quantity so callers choose their own fallback.
 */
const BINARY_SUFFIXES: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(.*)$/;
const EXPONENT = /^[eE]([+-]?\d+)$/;

export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = QUANTITY.exec(value.trim());
  if (!match) return undefined;
  const mantissa = Number(match[1]);
  const suffix = match[2] ?? '';
  const multiplier = BINARY_SUFFIXES[suffix] ?? DECIMAL_SUFFIXES[suffix] ?? exponentMultiplier(suffix);
  if (multiplier === undefined || !Number.isFinite(mantissa)) return undefined;
  // Rounding keeps "0.1" * 1e-3-style products from showing float noise in projections.
  return roundSignificant(mantissa * multiplier);
}

function exponentMultiplier(suffix: string): number | undefined {
  const match = EXPONENT.exec(suffix);
  return match ? 10 ** Number(match[1]) : undefined;
}

function roundSignificant(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(12));
}

/** CPU quantity in cores; 0 when absent or malformed. */
export function toCores(value: unknown): number {
  return parseQuantity(value) ?? 0;
}

/** Memory/storage quantity in bytes (whole bytes, as Kubernetes rounds up); 0 when absent or malformed. */
export function toBytes(value: unknown): number {
  const parsed = parseQuantity(value);
  return parsed === undefined ? 0 : Math.ceil(parsed);
}

/** Plain counts such as the "pods" capacity. */
export function toCount(value: unknown): number {
  const parsed = parseQuantity(value);
  return parsed === undefined ? 0 : Math.floor(parsed);
}
