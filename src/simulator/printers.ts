/**
 * Server-side printing for the workload, batch, network, storage and policy kinds: the same
 * columns and cell texts as the real apiserver's printers, so `kubectl get` looks familiar.
 */
import type { ColumnDefinition } from './tables.js';
import type {
  ConfigMapObject,
  CronJobObject,
  DaemonSetObject,
  DeploymentObject,
  EventObject,
  HorizontalPodAutoscalerObject,
  IngressObject,
  JobObject,
  KubeObject,
  PersistentVolumeClaimObject,
  PersistentVolumeObject,
  PodDisruptionBudgetObject,
  PodTemplateObject,
  ReplicaSetObject,
  ResourceName,
  SecretObject,
  ServiceAccountObject,
  ServiceObject,
  StatefulSetObject,
  StorageClassObject,
  VulnerabilityReportObject,
} from './object-types.js';
import { labelSelectorText } from './selectors.js';

type MoreResource = Exclude<ResourceName, 'pods' | 'nodes' | 'namespaces'>;
type Cells = Array<string | number>;

function col(name: string, priority = 0, format = '', type = 'string'): ColumnDefinition {
  return { name, type, format, description: name, priority };
}

const name = col('Name', 0, 'name');
const age = col('Age');
const containerColumns = [col('Containers', 1), col('Images', 1)];

export const moreColumns: Readonly<Record<MoreResource, ColumnDefinition[]>> = {
  deployments: [name, col('Ready'), col('Up-to-date', 0, '', 'integer'), col('Available', 0, '', 'integer'), age, ...containerColumns, col('Selector', 1)],
  replicasets: [name, col('Desired', 0, '', 'integer'), col('Current', 0, '', 'integer'), col('Ready', 0, '', 'integer'), age, ...containerColumns, col('Selector', 1)],
  statefulsets: [name, col('Ready'), age, ...containerColumns],
  daemonsets: [
    name,
    col('Desired', 0, '', 'integer'),
    col('Current', 0, '', 'integer'),
    col('Ready', 0, '', 'integer'),
    col('Up-to-date', 0, '', 'integer'),
    col('Available', 0, '', 'integer'),
    col('Node Selector'),
    age,
    ...containerColumns,
    col('Selector', 1),
  ],
  jobs: [name, col('Status'), col('Completions'), col('Duration'), age, ...containerColumns, col('Selector', 1)],
  cronjobs: [name, col('Schedule'), col('Timezone'), col('Suspend'), col('Active', 0, '', 'integer'), col('Last Schedule'), age, ...containerColumns, col('Selector', 1)],
  services: [name, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), age, col('Selector', 1)],
  persistentvolumes: [
    name,
    col('Capacity'),
    col('Access Modes'),
    col('Reclaim Policy'),
    col('Status'),
    col('Claim'),
    col('StorageClass'),
    col('VolumeAttributesClass'),
    col('Reason'),
    age,
    col('VolumeMode', 1),
  ],
  persistentvolumeclaims: [name, col('Status'), col('Volume'), col('Capacity'), col('Access Modes'), col('StorageClass'), col('VolumeAttributesClass'), age, col('VolumeMode', 1)],
  secrets: [name, col('Type'), col('Data', 0, '', 'integer'), age],
  configmaps: [name, col('Data', 0, '', 'integer'), age],
  ingresses: [name, col('Class'), col('Hosts'), col('Address'), col('Ports'), age],
  storageclasses: [name, col('Provisioner'), col('ReclaimPolicy'), col('VolumeBindingMode'), col('AllowVolumeExpansion'), age],
  poddisruptionbudgets: [name, col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions', 0, '', 'integer'), age],
  horizontalpodautoscalers: [name, col('Reference'), col('Targets'), col('MinPods', 0, '', 'integer'), col('MaxPods', 0, '', 'integer'), col('Replicas', 0, '', 'integer'), age],
  serviceaccounts: [name, col('Secrets', 0, '', 'integer'), age],
  vulnerabilityreports: [name, col('Repository'), col('Tag'), col('Scanner'), age, col('Critical', 1, '', 'integer'), col('High', 1, '', 'integer')],
  events: [
    col('Last Seen'),
    col('Type'),
    col('Reason'),
    col('Object'),
    col('Subobject', 1),
    col('Source', 1),
    col('Message'),
    col('First Seen', 1),
    col('Count', 1, '', 'integer'),
    col('Name', 1, 'name'),
  ],
};

function containers(template: PodTemplateObject): [string, string] {
  return [template.spec.containers.map((container) => container.name).join(','), template.spec.containers.map((container) => container.image).join(',')];
}

const ACCESS_MODES: Readonly<Record<string, string>> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };

function accessModes(modes: readonly string[] | undefined): string {
  return (modes ?? []).map((mode) => ACCESS_MODES[mode] ?? mode).join(',');
}

function ago(timestamp: string | undefined, now: number, humanDuration: (ms: number) => string): string {
  return timestamp === undefined ? '<none>' : humanDuration(now - Date.parse(timestamp));
}

function orNone(value: string | number | undefined): string | number {
  return value === undefined || value === '' ? '<none>' : value;
}

function jobStatus(job: JobObject): string {
  const condition = (type: string) => job.status.conditions?.some((entry) => entry.type === type && entry.status === 'True') === true;
  if (condition('Complete')) return 'Complete';
  if (condition('Failed')) return 'Failed';
  if (job.spec.suspend) return 'Suspended';
  return 'Running';
}

function servicePorts(service: ServiceObject): string {
  if (service.spec.ports.length === 0) return '<none>';
  return service.spec.ports.map((port) => `${port.port}${port.nodePort === undefined ? '' : `:${port.nodePort}`}/${port.protocol}`).join(',');
}

function externalIP(service: ServiceObject): string {
  if (service.spec.type === 'LoadBalancer') {
    const ingress = (service.status.loadBalancer.ingress ?? []).map((entry) => entry.ip);
    return ingress.length === 0 ? '<pending>' : ingress.join(',');
  }
  if (service.spec.type === 'ExternalName') return service.spec.externalName ?? '<none>';
  return '<none>';
}

/** As kubectl shows them before the autoscaler has measured anything: `cpu: <unknown>/80%`. */
function autoscalerTargets(autoscaler: HorizontalPodAutoscalerObject): string {
  return autoscaler.spec.metrics
    .map((metric) => {
      const source = metric.resource ?? metric.containerResource;
      const name = source?.name ?? metric.pods?.metric.name ?? metric.object?.metric.name ?? metric.external?.metric.name ?? '';
      const target = (source ?? metric.pods ?? metric.object ?? metric.external)?.target;
      const wanted = target?.type === 'Utilization' ? `${target.averageUtilization}%` : (target?.averageValue ?? target?.value ?? '');
      return `${name}: <unknown>/${wanted}`;
    })
    .join(', ');
}

export function moreCells(resource: ResourceName, object: KubeObject, objectAge: string, now: number, humanDuration: (ms: number) => string): Cells {
  const named = object.metadata.name;
  switch (resource) {
    case 'deployments': {
      const deployment = object as DeploymentObject;
      const status = deployment.status;
      return [
        named,
        `${status.readyReplicas ?? 0}/${deployment.spec.replicas}`,
        status.updatedReplicas ?? 0,
        status.availableReplicas ?? 0,
        objectAge,
        ...containers(deployment.spec.template),
        labelSelectorText(deployment.spec.selector),
      ];
    }
    case 'replicasets': {
      const replicaSet = object as ReplicaSetObject;
      return [
        named,
        replicaSet.spec.replicas,
        replicaSet.status.replicas,
        replicaSet.status.readyReplicas ?? 0,
        objectAge,
        ...containers(replicaSet.spec.template),
        labelSelectorText(replicaSet.spec.selector),
      ];
    }
    case 'statefulsets': {
      const statefulSet = object as StatefulSetObject;
      return [named, `${statefulSet.status.readyReplicas ?? 0}/${statefulSet.spec.replicas}`, objectAge, ...containers(statefulSet.spec.template)];
    }
    case 'daemonsets': {
      const daemonSet = object as DaemonSetObject;
      const status = daemonSet.status;
      const selector = Object.entries(daemonSet.spec.template.spec.nodeSelector ?? {})
        .map(([key, value]) => `${key}=${value}`)
        .join(',');
      return [
        named,
        status.desiredNumberScheduled,
        status.currentNumberScheduled,
        status.numberReady,
        status.updatedNumberScheduled ?? 0,
        status.numberAvailable ?? 0,
        orNone(selector),
        objectAge,
        ...containers(daemonSet.spec.template),
        labelSelectorText(daemonSet.spec.selector),
      ];
    }
    case 'jobs': {
      const job = object as JobObject;
      const started = job.status.startTime;
      const end = job.status.completionTime === undefined ? now : Date.parse(job.status.completionTime);
      const duration = started === undefined ? '' : humanDuration(end - Date.parse(started));
      return [
        named,
        jobStatus(job),
        `${job.status.succeeded ?? 0}/${job.spec.completions}`,
        duration,
        objectAge,
        ...containers(job.spec.template),
        labelSelectorText(job.spec.selector),
      ];
    }
    case 'cronjobs': {
      const cronJob = object as CronJobObject;
      const template = cronJob.spec.jobTemplate.spec.template;
      return [
        named,
        cronJob.spec.schedule,
        cronJob.spec.timeZone ?? '<none>',
        cronJob.spec.suspend ? 'True' : 'False',
        cronJob.status.active?.length ?? 0,
        ago(cronJob.status.lastScheduleTime, now, humanDuration),
        objectAge,
        ...containers(template),
        '<none>',
      ];
    }
    case 'services': {
      const service = object as ServiceObject;
      const selector = Object.entries(service.spec.selector ?? {})
        .map(([key, value]) => `${key}=${value}`)
        .join(',');
      return [named, service.spec.type, orNone(service.spec.clusterIP), externalIP(service), servicePorts(service), objectAge, orNone(selector)];
    }
    case 'persistentvolumes': {
      const volume = object as PersistentVolumeObject;
      const claim = volume.spec.claimRef === undefined ? '' : `${volume.spec.claimRef.namespace ?? ''}/${volume.spec.claimRef.name}`;
      return [
        named,
        volume.spec.capacity.storage,
        accessModes(volume.spec.accessModes),
        volume.spec.persistentVolumeReclaimPolicy,
        volume.status.phase,
        claim,
        volume.spec.storageClassName ?? '',
        '<unset>',
        '',
        objectAge,
        volume.spec.volumeMode,
      ];
    }
    case 'persistentvolumeclaims': {
      const claim = object as PersistentVolumeClaimObject;
      return [
        named,
        claim.status.phase,
        claim.spec.volumeName ?? '',
        claim.status.capacity?.storage ?? '',
        accessModes(claim.status.accessModes),
        claim.spec.storageClassName ?? '',
        '<unset>',
        objectAge,
        claim.spec.volumeMode,
      ];
    }
    case 'secrets': {
      const secret = object as SecretObject;
      return [named, secret.type, Object.keys(secret.data ?? {}).length, objectAge];
    }
    case 'configmaps': {
      const configMap = object as ConfigMapObject;
      return [named, Object.keys(configMap.data ?? {}).length + Object.keys(configMap.binaryData ?? {}).length, objectAge];
    }
    case 'ingresses': {
      const ingress = object as IngressObject;
      const hosts = [...new Set((ingress.spec.rules ?? []).map((rule) => rule.host ?? '*'))].join(',');
      const address = (ingress.status.loadBalancer.ingress ?? []).map((entry) => entry.ip ?? entry.hostname ?? '').join(',');
      return [named, ingress.spec.ingressClassName ?? '<none>', hosts === '' ? '*' : hosts, address, (ingress.spec.tls ?? []).length > 0 ? '80, 443' : '80', objectAge];
    }
    case 'storageclasses': {
      const storageClass = object as StorageClassObject;
      const isDefault = storageClass.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true';
      return [
        isDefault ? `${named} (default)` : named,
        storageClass.provisioner,
        storageClass.reclaimPolicy,
        storageClass.volumeBindingMode,
        String(storageClass.allowVolumeExpansion === true),
        objectAge,
      ];
    }
    case 'vulnerabilityreports': {
      const report = (object as VulnerabilityReportObject).report;
      return [named, report.artifact.repository, report.artifact.tag ?? '', report.scanner.name, objectAge, report.summary.criticalCount, report.summary.highCount];
    }
    case 'poddisruptionbudgets': {
      const budget = object as PodDisruptionBudgetObject;
      return [
        named,
        budget.spec.minAvailable === undefined ? 'N/A' : String(budget.spec.minAvailable),
        budget.spec.maxUnavailable === undefined ? 'N/A' : String(budget.spec.maxUnavailable),
        budget.status.disruptionsAllowed,
        objectAge,
      ];
    }
    case 'horizontalpodautoscalers': {
      const autoscaler = object as HorizontalPodAutoscalerObject;
      const reference = `${autoscaler.spec.scaleTargetRef.kind}/${autoscaler.spec.scaleTargetRef.name}`;
      return [named, reference, autoscalerTargets(autoscaler), autoscaler.spec.minReplicas, autoscaler.spec.maxReplicas, autoscaler.status.currentReplicas ?? 0, objectAge];
    }
    case 'serviceaccounts':
      return [named, (object as ServiceAccountObject).secrets?.length ?? 0, objectAge];
    case 'events': {
      const event = object as EventObject;
      const involved = event.involvedObject;
      const source = [event.source.component, event.source.host].filter((part) => part !== undefined && part !== '').join(', ');
      return [
        ago(event.lastTimestamp, now, humanDuration),
        event.type,
        event.reason,
        `${involved.kind.toLowerCase()}/${involved.name}`,
        involved.fieldPath ?? '',
        source,
        event.message,
        ago(event.firstTimestamp, now, humanDuration),
        event.count,
        named,
      ];
    }
    default:
      return [named, objectAge];
  }
}
