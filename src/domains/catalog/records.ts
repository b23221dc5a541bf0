import type { JsonObject } from './rendering/json.js';
import type { TemplateDocument } from './rendering/templates.js';

/** Rows of the catalog domain, as the stores hand them over (no ORM types). */

export interface CatalogPackageRecord {
  readonly id: string;
  /** The owning workspace; null: a global package, seen by everyone and written by administrators. */
  readonly workspaceId: string | null;
  readonly name: string;
  readonly description: string;
  /** Small labels for finding packages ("database", "demo"), in the order given. */
  readonly tags: readonly string[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A package as written: with its icon (lists leave icons out: they are read per page). */
export interface NewCatalogPackage extends CatalogPackageRecord {
  /** An http(s) URL or a data:image/… URL; never fetched by the gateway. */
  readonly icon: string | null;
}

export interface CatalogPackageChanges {
  readonly name?: string;
  readonly description?: string;
  readonly icon?: string | null;
  readonly tags?: readonly string[];
  readonly updatedAt: Date;
}

/** A version without its content: what lists need. */
export interface CatalogVersionSummary {
  readonly id: string;
  readonly packageId: string;
  /** Semantic version, unique per package. */
  readonly version: string;
  readonly description: string | null;
  readonly createdAt: Date;
}

export interface CatalogVersionRecord extends CatalogVersionSummary {
  /** Manifests with placeholders, in the order imported. */
  readonly templates: readonly TemplateDocument[];
  /** JSON Schema (draft-07) of the parameters, with their defaults. */
  readonly parametersSchema: JsonObject;
}
