import type { GraphQLField } from 'graphql';
import type { FieldCost } from '../../shared/field-cost.js';

const FREE: FieldCost = Object.freeze({ weight: 0, perItem: 0 });

export function fieldCostOf(field: GraphQLField<unknown, unknown>): FieldCost {
  const declared = (field.extensions as { cost?: Partial<FieldCost> } | undefined)?.cost;
  if (declared === undefined) return FREE;
  return { weight: declared.weight ?? 0, perItem: declared.perItem ?? 0 };
}
