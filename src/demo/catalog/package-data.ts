/** What a demo catalog package is made of: the inputs a person would give createCatalogPackage and importPackageVersion. */
export interface DemoPackageVersion {
  readonly version: string;
  readonly description: string;
  /** Kubernetes manifests as YAML, with placeholders. */
  readonly manifests: string;
  readonly parametersSchema: Record<string, unknown>;
}

export interface DemoPackage {
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly icon: string;
  /** Oldest first, as they were imported. */
  readonly versions: readonly DemoPackageVersion[];
}

/** `${{ params.<name> }}`, written without escaping it in every template literal. */
export const p = (name: string, filter = ''): string => `\${{ params.${name}${filter === '' ? '' : ` | ${filter}`} }}`;

/** A small card icon (initials on a colour) as an SVG data URL: the catalog shows it, nothing is fetched. */
export function initialsIcon(initials: string, colour: string): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" rx="12" fill="${colour}"/><text x="32" y="41" font-family="sans-serif" font-size="24" font-weight="bold" fill="#fff" text-anchor="middle">${initials}</text></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}

/** Schema snippets the demo packages share. */
export const string = (defaultValue: string, maxLength = 200, description?: string) => ({
  type: 'string',
  maxLength,
  default: defaultValue,
  ...(description === undefined ? {} : { description }),
});
export const integer = (defaultValue: number, minimum: number, maximum: number, description?: string) => ({
  type: 'integer',
  minimum,
  maximum,
  default: defaultValue,
  ...(description === undefined ? {} : { description }),
});
/** Kubernetes quantities: 512Mi, 30Gi, 0.5, 250m. */
export const quantity = (defaultValue: string, description?: string) => ({
  type: 'string',
  maxLength: 20,
  pattern: '^[0-9]+(\\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$',
  default: defaultValue,
  ...(description === undefined ? {} : { description }),
});
export const password = (description: string) => ({ type: 'string', minLength: 8, maxLength: 100, description });
export const objectSchema = (properties: Record<string, unknown>, required: readonly string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...(required.length === 0 ? {} : { required }),
});
