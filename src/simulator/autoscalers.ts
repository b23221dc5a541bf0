/**
 * autoscaling/v2 HorizontalPodAutoscalers as the apiserver stores them: the target reference and
 * replica bounds checked, each metric's source and target checked with the apiserver's messages,
 * and its defaults (minReplicas 1; CPU at 80% when no metric is given). No controller acts on them.
 */
import type { ObjectMeta } from './k8s-types.js';
import type { ManifestError } from './manifests.js';
import type { HorizontalPodAutoscalerObject, MetricSpecObject, MetricTargetObject } from './object-types.js';
import { parseQuantity } from './quantity.js';

type Json = Record<string, unknown>;
type Invalid = (message: string) => ManifestError;

const SOURCES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'] as const;
const SOURCE_FIELD: Readonly<Record<MetricSpecObject['type'], keyof MetricSpecObject>> = {
  Resource: 'resource',
  ContainerResource: 'containerResource',
  Pods: 'pods',
  Object: 'object',
  External: 'external',
};
const DEFAULT_METRICS: readonly MetricSpecObject[] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown): Json {
  return isObject(value) ? value : {};
}

function replicas(value: unknown, field: string, fallback: number | undefined, invalid: Invalid): number {
  if (value === undefined || value === null) {
    if (fallback === undefined) throw invalid(`${field}: Required value`);
    return fallback;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(`${field}: Invalid value: ${JSON.stringify(value)}: must be an integer`);
  return value;
}

function target(value: unknown, field: string, source: MetricSpecObject['type'], invalid: Invalid): MetricTargetObject {
  if (!isObject(value)) throw invalid(`${field}: Required value: must specify a metric target`);
  const type = value['type'];
  if (type === undefined) throw invalid(`${field}.type: Required value: must specify a metric target type`);
  if (type !== 'Utilization' && type !== 'Value' && type !== 'AverageValue') {
    throw invalid(`${field}.type: Unsupported value: ${JSON.stringify(type)}: supported values: "AverageValue", "Utilization", "Value"`);
  }
  const checked: MetricTargetObject = { type };
  if (type === 'Utilization') {
    const utilization = value['averageUtilization'];
    if (source !== 'Resource' && source !== 'ContainerResource') throw invalid(`${field}.type: Invalid value: "Utilization": must be AverageValue or Value for ${source} metrics`);
    if (typeof utilization !== 'number' || !Number.isInteger(utilization) || utilization <= 0) {
      throw invalid(`${field}.averageUtilization: Invalid value: ${JSON.stringify(utilization ?? 0)}: must be greater than 0`);
    }
    checked.averageUtilization = utilization;
  } else {
    const key = type === 'Value' ? 'value' : 'averageValue';
    const quantity = value[key];
    if (parseQuantity(quantity) === undefined) throw invalid(`${field}.${key}: Required value: must set a valid quantity for a target of type ${type}`);
    checked[key] = String(quantity);
  }
  return checked;
}

function metric(value: unknown, index: number, invalid: Invalid): MetricSpecObject {
  const field = `spec.metrics[${index}]`;
  const entry = object(value);
  const type = entry['type'];
  if (type === undefined || type === '') throw invalid(`${field}.type: Required value: must specify a metric source type`);
  if (typeof type !== 'string' || !(SOURCES as readonly string[]).includes(type)) {
    throw invalid(`${field}.type: Unsupported value: ${JSON.stringify(type)}: supported values: ${SOURCES.map((source) => `"${source}"`).join(', ')}`);
  }
  const sourceType = type as MetricSpecObject['type'];
  const sourceField = SOURCE_FIELD[sourceType];
  for (const other of Object.values(SOURCE_FIELD)) {
    if (other !== sourceField && entry[other] !== undefined) throw invalid(`${field}.${other}: Forbidden: must populate the given metric source only`);
  }
  const source = entry[sourceField];
  if (!isObject(source)) throw invalid(`${field}.${sourceField}: Required value: must populate information for the given metric source`);
  const named = sourceType === 'Resource' || sourceType === 'ContainerResource' ? source['name'] : object(source['metric'])['name'];
  if (typeof named !== 'string' || named === '') {
    throw invalid(
      `${field}.${sourceField}.${sourceType === 'Resource' || sourceType === 'ContainerResource' ? 'name' : 'metric.name'}: Required value: must specify a metric name`,
    );
  }
  if (sourceType === 'ContainerResource' && (typeof source['container'] !== 'string' || source['container'] === '')) {
    throw invalid(`${field}.containerResource.container: Required value: must specify a container`);
  }
  if (sourceType === 'Object') {
    const described = object(source['describedObject']);
    if (typeof described['kind'] !== 'string' || typeof described['name'] !== 'string')
      throw invalid(`${field}.object.describedObject: Required value: must specify kind and name`);
  }
  return { type: sourceType, [sourceField]: { ...structuredClone(source), target: target(source['target'], `${field}.${sourceField}.target`, sourceType, invalid) } };
}

/** The stored HorizontalPodAutoscaler for a manifest; `metadata` comes from newMetadata. */
export function buildHorizontalPodAutoscaler(body: Json, metadata: ObjectMeta & { namespace: string }, invalid: Invalid): HorizontalPodAutoscalerObject {
  const spec = object(body['spec']);
  const reference = object(spec['scaleTargetRef']);
  if (typeof reference['kind'] !== 'string' || reference['kind'] === '') throw invalid('spec.scaleTargetRef.kind: Required value');
  if (typeof reference['name'] !== 'string' || reference['name'] === '') throw invalid('spec.scaleTargetRef.name: Required value');
  const minReplicas = replicas(spec['minReplicas'], 'spec.minReplicas', 1, invalid);
  if (minReplicas < 1) throw invalid(`spec.minReplicas: Invalid value: ${minReplicas}: must be greater than or equal to 1`);
  const maxReplicas = replicas(spec['maxReplicas'], 'spec.maxReplicas', undefined, invalid);
  if (maxReplicas < 1) throw invalid(`spec.maxReplicas: Invalid value: ${maxReplicas}: must be greater than 0`);
  if (maxReplicas < minReplicas) throw invalid(`spec.maxReplicas: Invalid value: ${maxReplicas}: must be greater than or equal to \`minReplicas\``);
  const rawMetrics = spec['metrics'];
  if (rawMetrics !== undefined && rawMetrics !== null && !Array.isArray(rawMetrics)) throw invalid('spec.metrics: Invalid value: must be a list');
  const metrics = Array.isArray(rawMetrics) && rawMetrics.length > 0 ? rawMetrics.map((entry, index) => metric(entry, index, invalid)) : structuredClone([...DEFAULT_METRICS]);
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata,
    spec: {
      scaleTargetRef: {
        ...(typeof reference['apiVersion'] === 'string' ? { apiVersion: reference['apiVersion'] } : {}),
        kind: reference['kind'],
        name: reference['name'],
      },
      minReplicas,
      maxReplicas,
      metrics,
      ...(isObject(spec['behavior']) ? { behavior: structuredClone(spec['behavior']) } : {}),
    },
    status: { desiredReplicas: 0 },
  };
}
