/**
 * What a field costs beyond the default (one per object resolved, nothing for a scalar), for the
 * fields that reach out: a registry call, say. `weight` is paid once per parent, `perItem` for each
 * item of a list. Put on a field with `@Extensions(fieldCost({ weight: 5, perItem: 5 }))`.
 */
export interface FieldCost {
  readonly weight: number;
  readonly perItem: number;
}

export function fieldCost(cost: Partial<FieldCost>): { cost: FieldCost } {
  return { cost: { weight: cost.weight ?? 0, perItem: cost.perItem ?? 0 } };
}
