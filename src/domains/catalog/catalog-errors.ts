import { DomainError } from '../../shared/errors.js';
import { ParameterProblem } from './rendering/parameters.js';
import { TemplateProblem } from './rendering/templates.js';

/**
 * Bad input in a package version, naming where it lies: `field` is the input field (`manifests`,
 * `parametersSchema`, `values.db.port`); `document` (1-based, as written) and `path` say where inside.
 */
export class CatalogInputError extends DomainError {
  constructor(field: string, message: string, where: { readonly document?: number | null; readonly path?: string } = {}) {
    const details: Record<string, unknown> = { field };
    if (where.document !== undefined && where.document !== null) details.document = where.document;
    if (where.path !== undefined && where.path !== '') details.path = where.path;
    super('BAD_USER_INPUT', `${field}: ${message}`, details);
    this.name = 'CatalogInputError';
  }
}

/** A template that breaks a rule: the input field that held the manifests. */
export function templateError(problem: TemplateProblem, field = 'manifests', prefix = ''): CatalogInputError {
  return new CatalogInputError(field, `${prefix}${problem.message}`, { document: problem.document, path: problem.path });
}

/** Values that break the schema: the field is the parameter's path under the values' input field. */
export function valuesError(problem: ParameterProblem, field = 'values'): CatalogInputError {
  return new CatalogInputError(problem.path === '' ? field : `${field}.${problem.path}`, problem.reason, { path: problem.path });
}

/** A parameters schema that cannot be used. */
export function schemaError(problem: ParameterProblem, field = 'parametersSchema'): CatalogInputError {
  return new CatalogInputError(field, problem.message, { path: problem.path });
}

export interface ErrorFields {
  readonly values?: string;
  readonly manifests?: string;
  readonly schema?: string;
  readonly prefix?: string;
  /** A rendered field that came from one parameter is blamed on that value (`values.<parameter>`), not on the template. */
  readonly blameValues?: boolean;
}

/** Runs `work`, turning the rendering layer's problems into input errors of `field`s. */
export function asInputErrors<T>(work: () => T, fields: ErrorFields): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof TemplateProblem && fields.blameValues === true && error.parameter !== null)
      throw new CatalogInputError(`${fields.values ?? 'values'}.${error.parameter}`, error.message, { document: error.document, path: error.path });
    if (error instanceof TemplateProblem) throw templateError(error, fields.manifests, fields.prefix);
    if (error instanceof ParameterProblem) {
      if (fields.schema !== undefined) throw schemaError(error, fields.schema);
      throw valuesError(error, fields.values);
    }
    throw error;
  }
}
