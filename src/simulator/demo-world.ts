/**
 * The two clusters of the product demo, described as nodes, workloads, services, storage and
 * disruption budgets. Seeding creates the workload objects and lets the simulated controllers make
 * their ReplicaSets and pods (names, labels, owner references, one pod per node for DaemonSets),
 * so every figure the gateway shows is computed from these objects, and rollouts are real.
 */
import { randomUUID } from 'node:crypto';
import type { ContainerSpec, NodeSpec } from './cluster-state.js';
import type { PersistentVolumeClaimSpec, PodDisruptionBudgetSpec, ServiceSpec, StatefulSetSpec, StorageClassSpec } from './control-specs.js';
import type { Taint, VolumeObject } from './k8s-types.js';
import type { SimulatedCluster } from './simulated-cluster.js';

export type DemoWorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'StaticPod' | 'CronJob';

export interface DemoWorkload {
  readonly namespace: string;
  readonly name: string;
  readonly kind: DemoWorkloadKind;
  /** Deployment/StatefulSet replicas; DaemonSets run one per node, static pods one per control-plane node. */
  readonly replicas?: number;
  readonly containers: readonly ContainerSpec[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly hostNetwork?: boolean;
  /** Restarts of the first replica's first container, so the demo shows some history. */
  readonly restarts?: number;
  readonly ageDays: number;
  /** StatefulSets: one claim per pod per entry. */
  readonly volumeClaims?: StatefulSetSpec['volumeClaims'];
  /** CronJobs: the schedule; seeding records one finished run. */
  readonly schedule?: string;
  /** Pod volumes, e.g. a claim the pods mount (a WaitForFirstConsumer claim binds only once mounted). */
  readonly volumes?: readonly VolumeObject[];
}

export interface DemoClusterProfile {
  readonly name: string;
  readonly provider: 'on-premise' | 'gcp';
  readonly region: 'Seoul' | 'Tokyo';
  readonly kubernetesVersion: string;
  readonly nodes: readonly NodeSpec[];
  readonly namespaces: readonly string[];
  readonly workloads: readonly DemoWorkload[];
  readonly services: readonly ServiceSpec[];
  readonly storageClasses: readonly StorageClassSpec[];
  /** Claims besides those of StatefulSets. */
  readonly claims: readonly PersistentVolumeClaimSpec[];
  readonly disruptionBudgets: readonly PodDisruptionBudgetSpec[];
  /** How many days ago the cluster was built (node ages). */
  readonly ageDays: number;
}

const Ki = 1024;
const Mi = 1024 * Ki;
const Gi = 1024 * Mi;

const controlPlaneTaint: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

function container(name: string, image: string, cpu: number, memoryBytes: number): ContainerSpec {
  return { name, image, cpu, memoryBytes, memoryLimitBytes: memoryBytes * 2 };
}

function workload(
  namespace: string,
  name: string,
  kind: DemoWorkloadKind,
  replicas: number,
  containers: ContainerSpec[],
  extra: Partial<Pick<DemoWorkload, 'labels' | 'hostNetwork' | 'restarts' | 'ageDays' | 'volumeClaims' | 'schedule' | 'volumes'>> = {},
): DemoWorkload {
  return { namespace, name, kind, replicas, containers, ageDays: extra.ageDays ?? 30, ...extra };
}

const K8S = 'registry.k8s.io';

const acornNodes: NodeSpec[] = [
  { name: 'acorn-m01', roles: ['control-plane'], cpu: 4, memoryBytes: 7.6 * Gi, storageBytes: 50 * Gi, internalIP: '192.168.100.11', taints: [controlPlaneTaint] },
  { name: 'acorn-w01', roles: ['worker'], cpu: 8, memoryBytes: 8.8 * Gi, storageBytes: 50 * Gi, internalIP: '192.168.100.21' },
  { name: 'acorn-w02', roles: ['worker'], cpu: 8, memoryBytes: 8.8 * Gi, storageBytes: 57 * Gi, internalIP: '192.168.100.22' },
  { name: 'acorn-w03', roles: ['worker'], cpu: 7, memoryBytes: 8.8 * Gi, storageBytes: 57 * Gi, internalIP: '192.168.100.23' },
].map((node) => ({
  ...node,
  memoryBytes: Math.round(node.memoryBytes / Ki) * Ki,
  kubeletVersion: 'v1.31.4',
  osImage: 'Rocky Linux 9.4 (Blue Onyx)',
  kernelVersion: '5.14.0-427.13.1.el9_4.x86_64',
}));

const acornWorkloads: DemoWorkload[] = [
  // kube-system: control plane, networking, DNS
  workload('kube-system', 'etcd', 'StaticPod', 1, [container('etcd', `${K8S}/etcd:3.5.15-0`, 0.1, 100 * Mi)], {
    labels: { component: 'etcd', tier: 'control-plane' },
    hostNetwork: true,
    ageDays: 120,
  }),
  workload('kube-system', 'kube-apiserver', 'StaticPod', 1, [container('kube-apiserver', `${K8S}/kube-apiserver:v1.31.4`, 0.25, 512 * Mi)], {
    labels: { component: 'kube-apiserver', tier: 'control-plane' },
    hostNetwork: true,
    ageDays: 120,
  }),
  workload('kube-system', 'kube-controller-manager', 'StaticPod', 1, [container('kube-controller-manager', `${K8S}/kube-controller-manager:v1.31.4`, 0.2, 128 * Mi)], {
    labels: { component: 'kube-controller-manager', tier: 'control-plane' },
    hostNetwork: true,
    restarts: 3,
    ageDays: 120,
  }),
  workload('kube-system', 'kube-scheduler', 'StaticPod', 1, [container('kube-scheduler', `${K8S}/kube-scheduler:v1.31.4`, 0.1, 64 * Mi)], {
    labels: { component: 'kube-scheduler', tier: 'control-plane' },
    hostNetwork: true,
    restarts: 2,
    ageDays: 120,
  }),
  workload('kube-system', 'kube-proxy', 'DaemonSet', 0, [container('kube-proxy', `${K8S}/kube-proxy:v1.31.4`, 0.05, 64 * Mi)], {
    labels: { 'k8s-app': 'kube-proxy' },
    hostNetwork: true,
    ageDays: 120,
  }),
  workload('kube-system', 'calico-node', 'DaemonSet', 0, [container('calico-node', 'docker.io/calico/node:v3.28.2', 0.25, 128 * Mi)], {
    labels: { 'k8s-app': 'calico-node' },
    hostNetwork: true,
    restarts: 1,
    ageDays: 120,
  }),
  workload('kube-system', 'coredns', 'Deployment', 2, [container('coredns', `${K8S}/coredns/coredns:v1.11.3`, 0.1, 70 * Mi)], { labels: { 'k8s-app': 'kube-dns' }, ageDays: 120 }),
  workload('kube-system', 'calico-kube-controllers', 'Deployment', 1, [container('calico-kube-controllers', 'docker.io/calico/kube-controllers:v3.28.2', 0.1, 64 * Mi)], {
    labels: { 'k8s-app': 'calico-kube-controllers' },
    ageDays: 120,
  }),
  workload('kube-system', 'metrics-server', 'Deployment', 1, [container('metrics-server', `${K8S}/metrics-server/metrics-server:v0.7.2`, 0.1, 200 * Mi)], {
    labels: { 'k8s-app': 'metrics-server' },
    ageDays: 118,
  }),
  workload(
    'kube-system',
    'nfs-subdir-external-provisioner',
    'Deployment',
    1,
    [container('nfs-subdir-external-provisioner', `${K8S}/sig-storage/nfs-subdir-external-provisioner:v4.0.2`, 0.05, 64 * Mi)],
    { labels: { app: 'nfs-subdir-external-provisioner' }, ageDays: 118 },
  ),
  // monitoring
  workload(
    'monitoring',
    'prometheus-server',
    'StatefulSet',
    1,
    [
      container('prometheus', 'quay.io/prometheus/prometheus:v2.54.1', 0.5, 1 * Gi),
      container('config-reloader', 'quay.io/prometheus-operator/prometheus-config-reloader:v0.77.1', 0.05, 32 * Mi),
    ],
    { labels: { 'app.kubernetes.io/name': 'prometheus' }, ageDays: 110, volumeClaims: [{ name: 'prometheus-data', storage: '50Gi' }] },
  ),
  workload('monitoring', 'alertmanager', 'StatefulSet', 1, [container('alertmanager', 'quay.io/prometheus/alertmanager:v0.27.0', 0.1, 128 * Mi)], {
    labels: { 'app.kubernetes.io/name': 'alertmanager' },
    ageDays: 110,
    volumeClaims: [{ name: 'alertmanager-data', storage: '2Gi' }],
  }),
  workload('monitoring', 'grafana', 'Deployment', 1, [container('grafana', 'docker.io/grafana/grafana:11.2.2', 0.2, 256 * Mi)], {
    labels: { 'app.kubernetes.io/name': 'grafana' },
    ageDays: 110,
  }),
  workload('monitoring', 'kube-state-metrics', 'Deployment', 1, [container('kube-state-metrics', `${K8S}/kube-state-metrics/kube-state-metrics:v2.13.0`, 0.1, 128 * Mi)], {
    labels: { 'app.kubernetes.io/name': 'kube-state-metrics' },
    ageDays: 110,
  }),
  workload('monitoring', 'prometheus-operator', 'Deployment', 1, [container('prometheus-operator', 'quay.io/prometheus-operator/prometheus-operator:v0.77.1', 0.1, 128 * Mi)], {
    labels: { 'app.kubernetes.io/name': 'prometheus-operator' },
    ageDays: 110,
  }),
  workload('monitoring', 'node-exporter', 'DaemonSet', 0, [container('node-exporter', 'quay.io/prometheus/node-exporter:v1.8.2', 0.05, 32 * Mi)], {
    labels: { 'app.kubernetes.io/name': 'node-exporter' },
    hostNetwork: true,
    ageDays: 110,
  }),
  // ingress
  workload('ingress-nginx', 'ingress-nginx-controller', 'Deployment', 2, [container('controller', `${K8S}/ingress-nginx/controller:v1.11.3`, 0.1, 90 * Mi)], {
    labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
    ageDays: 100,
  }),
  // cocktail-system: the platform itself
  ...(
    [
      ['cocktail-api-server', 1, 0.5, 1 * Gi],
      ['cocktail-dashboard', 1, 0.2, 256 * Mi],
      ['cocktail-builder-api', 1, 0.2, 512 * Mi],
      ['cocktail-cluster-api', 1, 0.2, 512 * Mi],
      ['cocktail-auth', 1, 0.1, 256 * Mi],
      ['cocktail-monitoring-api', 1, 0.2, 512 * Mi],
      ['cocktail-gateway', 1, 0.1, 256 * Mi],
      ['cocktail-addon-manager', 1, 0.1, 128 * Mi],
    ] as const
  ).map(([name, replicas, cpu, memory]) =>
    workload('cocktail-system', name, 'Deployment', replicas, [container(name, `regi.acloud.run/cocktail/${name}:4.9.2`, cpu, memory)], {
      labels: { app: name, 'app.kubernetes.io/part-of': 'cocktail' },
      ageDays: 90,
    }),
  ),
  workload('cocktail-system', 'cocktail-mysql', 'StatefulSet', 1, [container('mysql', 'docker.io/library/mysql:8.0.39', 0.5, 1 * Gi)], {
    labels: { app: 'cocktail-mysql', 'app.kubernetes.io/part-of': 'cocktail' },
    ageDays: 90,
    volumeClaims: [{ name: 'data', storage: '20Gi' }],
  }),
  workload('cocktail-system', 'cocktail-nats', 'StatefulSet', 3, [container('nats', 'docker.io/library/nats:2.10.21-alpine', 0.1, 128 * Mi)], {
    labels: { app: 'cocktail-nats', 'app.kubernetes.io/part-of': 'cocktail' },
    ageDays: 90,
    volumeClaims: [{ name: 'nats-js', storage: '5Gi' }],
  }),
  // A nightly backup; seeding records one finished run (its Job and pod).
  workload('cocktail-system', 'cocktail-db-backup', 'CronJob', 1, [container('backup', 'docker.io/library/mysql:8.0.39', 0.1, 128 * Mi)], {
    labels: { app: 'cocktail-db-backup', 'app.kubernetes.io/part-of': 'cocktail' },
    ageDays: 90,
    schedule: '0 3 * * *',
  }),
  // demo applications
  workload('demo-was', 'demo-was-ant', 'Deployment', 3, [container('was', 'regi.acloud.run/demo/demo-was-ant:1.0.3', 0.25, 512 * Mi)], {
    labels: { app: 'demo-was-ant', tier: 'was' },
    restarts: 1,
    ageDays: 21,
  }),
  workload('demo-was', 'demo-mysql', 'StatefulSet', 1, [container('mysql', 'docker.io/library/mysql:8.0.39', 0.25, 512 * Mi)], {
    labels: { app: 'demo-mysql', tier: 'db' },
    ageDays: 21,
    volumeClaims: [{ name: 'data', storage: '8Gi' }],
  }),
  workload('demo-was', 'demo-postgresql', 'StatefulSet', 1, [container('postgresql', 'docker.io/library/postgres:16.4', 0.25, 512 * Mi)], {
    labels: { app: 'demo-postgresql', tier: 'db' },
    ageDays: 21,
    volumeClaims: [{ name: 'data', storage: '8Gi' }],
  }),
  workload('elastic', 'elasticsearch-master', 'StatefulSet', 3, [container('elasticsearch', 'docker.elastic.co/elasticsearch/elasticsearch:8.15.2', 0.5, 1 * Gi)], {
    labels: { app: 'elasticsearch-master' },
    ageDays: 14,
    volumeClaims: [{ name: 'elasticsearch-master', storage: '30Gi' }],
  }),
  workload('elastic', 'kibana', 'Deployment', 1, [container('kibana', 'docker.elastic.co/kibana/kibana:8.15.2', 0.25, 512 * Mi)], { labels: { app: 'kibana' }, ageDays: 14 }),
  workload('jupyter-spark-demo', 'jupyterlab', 'Deployment', 1, [container('jupyterlab', 'quay.io/jupyter/pyspark-notebook:spark-3.5.3', 0.5, 1 * Gi)], {
    labels: { app: 'jupyterlab' },
    ageDays: 10,
  }),
  workload('jupyter-spark-demo', 'spark-master', 'StatefulSet', 1, [container('spark-master', 'docker.io/bitnami/spark:3.5.3', 0.25, 512 * Mi)], {
    labels: { app: 'spark', component: 'master' },
    ageDays: 10,
  }),
  workload('jupyter-spark-demo', 'spark-worker', 'StatefulSet', 2, [container('spark-worker', 'docker.io/bitnami/spark:3.5.3', 0.5, 512 * Mi)], {
    labels: { app: 'spark', component: 'worker' },
    ageDays: 10,
  }),
  workload('electro-shop-demo', 'frontend', 'Deployment', 2, [container('frontend', 'regi.acloud.run/demo/electro-shop-frontend:2.1.0', 0.1, 128 * Mi)], {
    labels: { app: 'frontend' },
    ageDays: 7,
  }),
  workload('electro-shop-demo', 'product-api', 'Deployment', 1, [container('product-api', 'regi.acloud.run/demo/electro-shop-product-api:2.1.0', 0.2, 256 * Mi)], {
    labels: { app: 'product-api' },
    restarts: 4,
    ageDays: 7,
  }),
  workload('electro-shop-demo', 'cart-api', 'Deployment', 1, [container('cart-api', 'regi.acloud.run/demo/electro-shop-cart-api:2.1.0', 0.1, 256 * Mi)], {
    labels: { app: 'cart-api' },
    ageDays: 7,
  }),
  workload('electro-shop-demo', 'redis', 'StatefulSet', 1, [container('redis', 'docker.io/library/redis:7.4.1-alpine', 0.1, 128 * Mi)], {
    labels: { app: 'redis' },
    ageDays: 7,
    volumeClaims: [{ name: 'redis-data', storage: '2Gi' }],
  }),
  ...(
    [
      ['carts', 'weaveworksdemos/carts:0.4.8', 0.1, 256 * Mi],
      ['carts-db', 'docker.io/library/mongo:4.4', 0.1, 256 * Mi],
      ['catalogue', 'weaveworksdemos/catalogue:0.3.5', 0.05, 64 * Mi],
      ['catalogue-db', 'weaveworksdemos/catalogue-db:0.3.0', 0.05, 128 * Mi],
      ['front-end', 'weaveworksdemos/front-end:0.3.12', 0.1, 128 * Mi],
      ['orders', 'weaveworksdemos/orders:0.4.7', 0.1, 256 * Mi],
      ['orders-db', 'docker.io/library/mongo:4.4', 0.1, 256 * Mi],
      ['payment', 'weaveworksdemos/payment:0.4.3', 0.05, 64 * Mi],
      ['shipping', 'weaveworksdemos/shipping:0.4.8', 0.1, 256 * Mi],
      ['user', 'weaveworksdemos/user:0.4.7', 0.05, 64 * Mi],
      ['user-db', 'weaveworksdemos/user-db:0.3.0', 0.05, 128 * Mi],
    ] as const
  ).map(([name, image, cpu, memory]) =>
    workload('sock-shop', name, 'Deployment', 1, [container(name, image, cpu, memory)], { labels: { name, 'app.kubernetes.io/part-of': 'benchmark-sock-shop' }, ageDays: 5 }),
  ),
];

const gkeNodes: NodeSpec[] = [
  { name: 'gke-acornsoft-demo-default-pool-5c1f0a2e-7lq2', cpu: 2, zone: 'asia-northeast1-a', ip: '10.146.0.2' },
  { name: 'gke-acornsoft-demo-default-pool-5c1f0a2e-k9xm', cpu: 2, zone: 'asia-northeast1-b', ip: '10.146.0.3' },
  { name: 'gke-acornsoft-demo-default-pool-5c1f0a2e-tz4v', cpu: 2.5, zone: 'asia-northeast1-c', ip: '10.146.0.4' },
].map(({ name, cpu, zone, ip }) => ({
  name,
  cpu,
  memoryBytes: 2 * Gi,
  storageBytes: 5 * Gi,
  internalIP: ip,
  kubeletVersion: 'v1.30.5-gke.1443001',
  osImage: 'Container-Optimized OS from Google',
  kernelVersion: '6.1.100+',
  labels: {
    'cloud.google.com/gke-nodepool': 'default-pool',
    'cloud.google.com/gke-os-distribution': 'cos',
    'node.kubernetes.io/instance-type': 'e2-custom',
    'topology.kubernetes.io/region': 'asia-northeast1',
    'topology.kubernetes.io/zone': zone,
  },
}));

const gkeWorkloads: DemoWorkload[] = [
  workload('kube-system', 'kube-proxy', 'StaticPod', 1, [container('kube-proxy', 'gke.gcr.io/kube-proxy-amd64:v1.30.5-gke.1443001', 0.1, 64 * Mi)], {
    labels: { component: 'kube-proxy', tier: 'node' },
    hostNetwork: true,
    ageDays: 60,
  }),
  workload(
    'kube-system',
    'kube-dns',
    'Deployment',
    1,
    [container('kubedns', 'gke.gcr.io/k8s-dns-kube-dns:1.23.0-gke.9', 0.1, 70 * Mi), container('dnsmasq', 'gke.gcr.io/k8s-dns-dnsmasq-nanny:1.23.0-gke.9', 0.15, 20 * Mi)],
    { labels: { 'k8s-app': 'kube-dns' }, ageDays: 60 },
  ),
  workload('kube-system', 'metrics-server-v1.30.3', 'Deployment', 1, [container('metrics-server', 'gke.gcr.io/metrics-server:v0.7.1-gke.23', 0.05, 60 * Mi)], {
    labels: { 'k8s-app': 'metrics-server' },
    ageDays: 60,
  }),
  workload('kube-system', 'konnectivity-agent', 'Deployment', 2, [container('konnectivity-agent', 'gke.gcr.io/proxy-agent:v0.30.3-gke.7', 0.01, 30 * Mi)], {
    labels: { 'k8s-app': 'konnectivity-agent' },
    ageDays: 60,
  }),
  workload('kube-system', 'event-exporter-gke', 'Deployment', 1, [container('event-exporter', 'gke.gcr.io/event-exporter:v0.4.0-gke.16', 0.01, 20 * Mi)], {
    labels: { 'k8s-app': 'event-exporter' },
    ageDays: 60,
  }),
  workload('default', 'nginx', 'Deployment', 1, [container('nginx', 'docker.io/library/nginx:1.27.2', 0.1, 128 * Mi)], {
    labels: { app: 'nginx' },
    ageDays: 30,
    volumes: [{ name: 'content', persistentVolumeClaim: { claimName: 'nginx-content' } }],
  }),
];

function kubernetesService(clusterIP: string): ServiceSpec {
  return {
    namespace: 'default',
    name: 'kubernetes',
    clusterIP,
    labels: { component: 'apiserver', provider: 'kubernetes' },
    ports: [{ name: 'https', port: 443, targetPort: 6443 }],
  };
}

function service(
  namespace: string,
  name: string,
  selector: Record<string, string>,
  port: number,
  targetPort: number | string,
  type: ServiceSpec['type'] = 'ClusterIP',
  extra: Partial<ServiceSpec> = {},
): ServiceSpec {
  return { namespace, name, selector, type, ports: [{ name: port === 443 ? 'https' : 'http', port, targetPort }], ...extra };
}

const acornServices: ServiceSpec[] = [
  kubernetesService('10.96.0.1'),
  {
    namespace: 'kube-system',
    name: 'kube-dns',
    clusterIP: '10.96.0.10',
    selector: { 'k8s-app': 'kube-dns' },
    labels: { 'k8s-app': 'kube-dns' },
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
      { name: 'dns-tcp', port: 53, targetPort: 53 },
      { name: 'metrics', port: 9153, targetPort: 9153 },
    ],
  },
  service('kube-system', 'metrics-server', { 'k8s-app': 'metrics-server' }, 443, 'https'),
  service('monitoring', 'prometheus-server', { 'app.kubernetes.io/name': 'prometheus' }, 9090, 9090),
  service('monitoring', 'alertmanager', { 'app.kubernetes.io/name': 'alertmanager' }, 9093, 9093),
  service('monitoring', 'grafana', { 'app.kubernetes.io/name': 'grafana' }, 80, 3000, 'NodePort'),
  {
    namespace: 'ingress-nginx',
    name: 'ingress-nginx-controller',
    type: 'LoadBalancer',
    selector: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
    ports: [
      { name: 'http', port: 80, targetPort: 'http' },
      { name: 'https', port: 443, targetPort: 'https' },
    ],
  },
  service('cocktail-system', 'cocktail-api-server', { app: 'cocktail-api-server' }, 8080, 8080),
  service('cocktail-system', 'cocktail-dashboard', { app: 'cocktail-dashboard' }, 80, 8080, 'NodePort'),
  service('cocktail-system', 'cocktail-mysql', { app: 'cocktail-mysql' }, 3306, 3306),
  service('cocktail-system', 'cocktail-nats', { app: 'cocktail-nats' }, 4222, 4222, 'ClusterIP', { clusterIP: 'None' }),
  service('demo-was', 'demo-was-ant', { app: 'demo-was-ant' }, 8080, 8080, 'NodePort'),
  service('elastic', 'elasticsearch-master', { app: 'elasticsearch-master' }, 9200, 9200),
  service('elastic', 'kibana', { app: 'kibana' }, 5601, 5601),
  service('electro-shop-demo', 'frontend', { app: 'frontend' }, 80, 8080, 'LoadBalancer'),
  service('sock-shop', 'front-end', { name: 'front-end' }, 80, 8079, 'NodePort'),
];

export const demoClusterProfiles: ReadonlyArray<DemoClusterProfile> = [
  {
    name: 'acorn-demo-cluster',
    provider: 'on-premise',
    region: 'Seoul',
    kubernetesVersion: 'v1.31.4',
    nodes: acornNodes,
    namespaces: [
      'default',
      'kube-system',
      'kube-public',
      'kube-node-lease',
      'monitoring',
      'ingress-nginx',
      'cocktail-system',
      'demo-was',
      'elastic',
      'jupyter-spark-demo',
      'electro-shop-demo',
      'sock-shop',
    ],
    workloads: acornWorkloads,
    services: acornServices,
    storageClasses: [
      {
        name: 'nfs-client',
        provisioner: 'cluster.local/nfs-subdir-external-provisioner',
        isDefault: true,
        reclaimPolicy: 'Delete',
        allowVolumeExpansion: true,
        parameters: { server: '192.168.100.5', archiveOnDelete: 'false' },
      },
      { name: 'local-storage', provisioner: 'kubernetes.io/no-provisioner', reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' },
    ],
    claims: [],
    disruptionBudgets: [
      { namespace: 'kube-system', name: 'coredns', selector: { 'k8s-app': 'kube-dns' }, maxUnavailable: 1 },
      { namespace: 'elastic', name: 'elasticsearch-master-pdb', selector: { app: 'elasticsearch-master' }, maxUnavailable: 1 },
      { namespace: 'cocktail-system', name: 'cocktail-nats', selector: { app: 'cocktail-nats' }, minAvailable: 2 },
    ],
    ageDays: 120,
  },
  {
    name: 'gke-acornsoft-demo-cluster',
    provider: 'gcp',
    region: 'Tokyo',
    kubernetesVersion: 'v1.30.5-gke.1443001',
    nodes: gkeNodes,
    namespaces: ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'gke-managed-system'],
    workloads: gkeWorkloads,
    services: [kubernetesService('10.8.0.1')],
    storageClasses: [
      {
        name: 'standard-rwo',
        provisioner: 'pd.csi.storage.gke.io',
        isDefault: true,
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: true,
        parameters: { type: 'pd-balanced' },
      },
      { name: 'premium-rwo', provisioner: 'pd.csi.storage.gke.io', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true, parameters: { type: 'pd-ssd' } },
      { name: 'standard', provisioner: 'kubernetes.io/gce-pd', parameters: { type: 'pd-standard' } },
    ],
    claims: [{ namespace: 'default', name: 'nginx-content', storage: '5Gi' }],
    disruptionBudgets: [{ namespace: 'kube-system', name: 'konnectivity-agent', selector: { 'k8s-app': 'konnectivity-agent' }, maxUnavailable: 1 }],
    ageDays: 60,
  },
];

const DAY_MS = 24 * 60 * 60 * 1000;

/** Adds the profile's nodes, namespaces, storage, workloads, services and budgets to a fresh simulated cluster. */
export function seedDemoCluster(cluster: SimulatedCluster, profile: DemoClusterProfile): void {
  const now = Date.now();
  const daysAgo = (days: number, jitterMinutes = 0) => new Date(now - days * DAY_MS - jitterMinutes * 60_000);
  for (const node of profile.nodes) cluster.addNode({ ...node, createdAt: daysAgo(profile.ageDays, 30) });
  const existing = new Set(cluster.listNamespaces().map((namespace) => namespace.metadata.name));
  for (const namespace of profile.namespaces) {
    if (!existing.has(namespace)) cluster.addNamespace(namespace, {}, daysAgo(profile.ageDays));
  }
  for (const storageClass of profile.storageClasses) cluster.addStorageClass({ ...storageClass, createdAt: daysAgo(profile.ageDays) });
  const controlPlane = profile.nodes.filter((node) => node.roles?.includes('control-plane') === true);
  // Managed clusters (GKE) hide their control plane: their static pods run on every node.
  const staticPodNodes = controlPlane.length > 0 ? controlPlane : profile.nodes;

  for (const item of profile.workloads) {
    const createdAt = daysAgo(item.ageDays);
    const common = {
      namespace: item.namespace,
      name: item.name,
      labels: { ...item.labels },
      containers: [...item.containers],
      createdAt,
      ...(item.hostNetwork === true ? { hostNetwork: true } : {}),
      ...(item.volumes === undefined ? {} : { volumes: [...item.volumes] }),
    };
    switch (item.kind) {
      case 'StaticPod':
        staticPodNodes.forEach((node, index) => {
          cluster.createPod({
            namespace: item.namespace,
            createdAt,
            ...(item.hostNetwork === true ? { hostNetwork: true } : {}),
            name: `${item.name}-${node.name}`,
            labels: { ...item.labels },
            // kubelet's mirror pods: `kubectl drain` leaves them alone.
            annotations: { 'kubernetes.io/config.source': 'file', 'kubernetes.io/config.mirror': randomUUID().replaceAll('-', '') },
            nodeName: node.name,
            owner: { kind: 'Node', name: node.name, uid: randomUUID() },
            toleratesAllTaints: true,
            containers: item.containers.map((spec, containerIndex) => ({
              ...spec,
              ...(index === 0 && containerIndex === 0 && item.restarts !== undefined ? { restartCount: item.restarts } : {}),
            })),
          });
        });
        continue;
      case 'DaemonSet':
        cluster.addDaemonSet({ ...common, toleratesAllTaints: true });
        break;
      case 'Deployment':
        cluster.addDeployment({ ...common, replicas: item.replicas ?? 1 });
        break;
      case 'StatefulSet':
        cluster.addStatefulSet({ ...common, replicas: item.replicas ?? 1, ...(item.volumeClaims === undefined ? {} : { volumeClaims: item.volumeClaims }) });
        break;
      case 'CronJob':
        cluster.addCronJob({ ...common, schedule: item.schedule ?? '0 0 * * *', successfulJobsHistoryLimit: 1 });
        cluster.triggerCronJob(item.namespace, item.name, { settled: true, at: daysAgo(0, 60 * 5) });
        break;
    }
    if (item.restarts !== undefined) addRestarts(cluster, item, item.restarts);
  }
  for (const claim of profile.claims) cluster.addPersistentVolumeClaim({ ...claim, createdAt: daysAgo(profile.ageDays / 2) });
  for (const service of profile.services) cluster.addService({ ...service, createdAt: daysAgo(profile.ageDays) });
  for (const budget of profile.disruptionBudgets) cluster.addPodDisruptionBudget({ ...budget, createdAt: daysAgo(profile.ageDays) });
  cluster.reconcile();
}

/** The workload's first pod (by name) shows `restarts` earlier crashes of its first container. */
function addRestarts(cluster: SimulatedCluster, item: DemoWorkload, restarts: number): void {
  const pod = cluster
    .listPods(item.namespace)
    .filter((candidate) => Object.entries(item.labels ?? {}).every(([key, value]) => candidate.metadata.labels?.[key] === value))
    .sort((left, right) => left.metadata.name.localeCompare(right.metadata.name))[0];
  if (pod === undefined) return;
  cluster.updatePod(pod.metadata.namespace, pod.metadata.name, (draft) => {
    const status = draft.status.containerStatuses?.[0];
    if (status === undefined) return;
    const finishedAt = new Date(Date.now() - 3 * DAY_MS).toISOString();
    status.restartCount = restarts;
    status.lastState = { terminated: { exitCode: 1, reason: 'Error', startedAt: draft.status.startTime ?? finishedAt, finishedAt } };
  });
}
