/** Label matching for a map's picture: subsets of labels, and objects indexed by their labels. */

/** Whether `labels` carry every label of a non-empty `wanted` (an empty selector of a workload or service takes nothing). */
export function includesAll(labels: Readonly<Record<string, string>> | undefined, wanted: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(wanted);
  return entries.length > 0 && labels !== undefined && entries.every(([key, value]) => labels[key] === value);
}

/**
 * Objects indexed by each of their labels (`key=value`), so finding what a selector takes looks at
 * the objects that carry its first label, not at the whole namespace: a map is redrawn at every
 * change of a rollout, and a namespace may hold thousands of pods.
 */
export class LabelIndex<T> {
  private readonly byLabel = new Map<string, T[]>();

  constructor(
    items: readonly T[],
    private readonly labelsOf: (item: T) => Readonly<Record<string, string>> | undefined,
  ) {
    for (const item of items) {
      for (const [key, value] of Object.entries(labelsOf(item) ?? {})) {
        const label = `${key}=${value}`;
        const bucket = this.byLabel.get(label);
        if (bucket === undefined) this.byLabel.set(label, [item]);
        else bucket.push(item);
      }
    }
  }

  /** The items whose labels include every label of a non-empty selector, in their original order. */
  taking(selector: Readonly<Record<string, string>>): T[] {
    const [first] = Object.entries(selector);
    if (first === undefined) return [];
    return (this.byLabel.get(`${first[0]}=${first[1]}`) ?? []).filter((item) => includesAll(this.labelsOf(item), selector));
  }
}
