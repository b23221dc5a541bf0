import { compileParameters } from '../rendering/parameters.js';
import { renderVersion } from '../rendering/render.js';
import { checkReferences, parseTemplates, templatesToYaml } from '../rendering/templates.js';
import type { JsonObject } from '../rendering/json.js';
import { hiddenPaths } from '../releases/hidden-values.js';
import { CaptureProblem, packageObjects } from './package-objects.js';
import { ingressServices, referencesOf } from './references.js';

const PASSWORD = 'S3cret-Pa55word!';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const RELEASE = { 'kda.io/release': 'rel-1', 'kda.io/app-map': 'shop-web', 'kda.io/stage': 'DEV' };
const SERVER_META = {
  namespace: 'shop',
  uid: '8c1e-uid',
  resourceVersion: '4711',
  generation: 3,
  creationTimestamp: '2024-05-01T10:00:00Z',
  managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:spec': {} } }],
};

/** A Deployment as the apiserver answers a GET: status, bookkeeping, kubectl's and the release's marks. */
function liveDeployment(): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      ...SERVER_META,
      labels: { app: 'web', ...RELEASE },
      annotations: { 'deployment.kubernetes.io/revision': '3', 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}', team: 'shop' },
      ownerReferences: [{ apiVersion: 'example.com/v1', kind: 'App', name: 'shop', uid: 'owner-uid' }],
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web', 'kda.io/app-map': 'shop-web' } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'web', ...RELEASE }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-02T00:00:00Z' } },
        spec: {
          initContainers: [{ name: 'migrate', image: 'registry.example.com/shop/migrate:2.1' }],
          containers: [
            {
              name: 'web',
              image: 'nginx:1.27',
              env: [
                { name: 'GREETING', value: 'hello' },
                { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'web-settings', key: 'password' } } },
                { name: 'THEME', valueFrom: { configMapKeyRef: { name: 'theme', key: 'name', optional: true } } },
              ],
              envFrom: [{ configMapRef: { name: 'web-config' } }],
            },
            { name: 'constructor', image: 'busybox:1.36' },
          ],
          serviceAccountName: 'web-sa',
          imagePullSecrets: [{ name: 'pull' }],
          volumes: [
            { name: 'content', persistentVolumeClaim: { claimName: 'web-content' } },
            { name: 'config', configMap: { name: 'web-config' } },
            { name: 'certs', projected: { sources: [{ secret: { name: 'web-tls' } }] } },
          ],
        },
      },
    },
    status: { replicas: 3, readyReplicas: 3, observedGeneration: 3 },
  };
}

function liveObjects(): JsonObject[] {
  return [
    liveDeployment(),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', ...SERVER_META, labels: RELEASE },
      spec: {
        type: 'LoadBalancer',
        clusterIP: '10.96.4.7',
        clusterIPs: ['10.96.4.7'],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        selector: { app: 'web', 'kda.io/release': 'rel-1' },
        ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', nodePort: 31234 }],
      },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web-headless', ...SERVER_META },
      spec: { clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'web' }, ports: [{ port: 80 }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'web-settings',
        ...SERVER_META,
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ stringData: { password: PASSWORD } }) },
      },
      type: 'Opaque',
      data: { password: b64(PASSWORD), 'tls.crt': b64('-----BEGIN CERTIFICATE-----'), blob: Buffer.from([0xff, 0x00, 0xfe]).toString('base64') },
    },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'default-token-x1', ...SERVER_META }, type: 'kubernetes.io/service-account-token', data: { token: b64('jwt') } },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-config', ...SERVER_META },
      data: { 'index.html': '<h1>${{ github.sha }}</h1>', 'escaped.txt': 'keep $${{ this }}' },
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: 'web-content',
        ...SERVER_META,
        annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes', 'volume.kubernetes.io/storage-provisioner': 'csi.example.com' },
        finalizers: ['kubernetes.io/pvc-protection'],
      },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } }, storageClassName: 'standard', volumeName: 'pvc-1234', volumeMode: 'Filesystem' },
      status: { phase: 'Bound', capacity: { storage: '2Gi' } },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'seed', ...SERVER_META, labels: { 'batch.kubernetes.io/job-name': 'seed', 'job-name': 'seed' } },
      spec: {
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': '8c1e-uid' } },
        manualSelector: false,
        template: {
          metadata: {
            labels: { 'batch.kubernetes.io/controller-uid': '8c1e-uid', 'batch.kubernetes.io/job-name': 'seed', 'controller-uid': '8c1e-uid', 'job-name': 'seed', app: 'seed' },
          },
          spec: { restartPolicy: 'Never', containers: [{ name: 'seed', image: 'shop/seed:1' }] },
        },
      },
      status: { succeeded: 1 },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'cache', ...SERVER_META },
      spec: {
        replicas: 1,
        serviceName: 'web-headless',
        selector: { matchLabels: { app: 'cache' } },
        template: { metadata: { labels: { app: 'cache' } }, spec: { containers: [{ name: 'redis', image: 'redis:7.2' }] } },
        volumeClaimTemplates: [
          {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: { name: 'data', creationTimestamp: null },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            status: { phase: 'Pending' },
          },
        ],
      },
    },
  ];
}

const saved = () => packageObjects(liveObjects(), { source: 'application map shop-web' });

describe('an application map packaged', () => {
  test('templates are clean: what the cluster and the release wrote is gone, selectors still match the pods', () => {
    const { templates, warnings } = saved();
    expect(templates.map((template) => `${template.kind as string}/${(template.metadata as JsonObject).name as string}`)).toEqual([
      'Secret/web-settings',
      'ConfigMap/web-config',
      'PersistentVolumeClaim/web-content',
      'Service/web',
      'Service/web-headless',
      'Deployment/web',
      'StatefulSet/cache',
      'Job/seed',
    ]);
    expect(templates.find((template) => template.kind === 'Deployment')).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' }, annotations: { team: 'shop' } },
      spec: {
        replicas: '${{ params.workloads.web.replicas }}',
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-02T00:00:00Z' } },
          spec: {
            initContainers: [{ name: 'migrate', image: '${{ params.workloads.web.images.migrate }}' }],
            containers: [
              {
                name: 'web',
                image: '${{ params.workloads.web.images.web }}',
                env: [
                  { name: 'GREETING', value: 'hello' },
                  { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'web-settings', key: 'password' } } },
                  { name: 'THEME', valueFrom: { configMapKeyRef: { name: 'theme', key: 'name', optional: true } } },
                ],
                envFrom: [{ configMapRef: { name: 'web-config' } }],
              },
              { name: 'constructor', image: '${{ params.workloads.web.images._constructor }}' },
            ],
            serviceAccountName: 'web-sa',
            imagePullSecrets: [{ name: 'pull' }],
            volumes: [
              { name: 'content', persistentVolumeClaim: { claimName: 'web-content' } },
              { name: 'config', configMap: { name: 'web-config' } },
              { name: 'certs', projected: { sources: [{ secret: { name: 'web-tls' } }] } },
            ],
          },
        },
      },
    });
    expect(templates.find((template) => (template.metadata as JsonObject).name === 'web' && template.kind === 'Service')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
    });
    // A headless Service stays headless.
    expect((templates.find((template) => (template.metadata as JsonObject).name === 'web-headless')!.spec as JsonObject).clusterIP).toBe('None');
    expect(templates.find((template) => template.kind === 'PersistentVolumeClaim')).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'web-content' },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '${{ params.claims.web-content.storage }}' } },
        storageClassName: '${{ params.claims.web-content.storageClassName }}',
        volumeMode: 'Filesystem',
      },
    });
    // The Job controller's selector and labels come from the Job's uid: a new Job gets its own.
    expect(templates.find((template) => template.kind === 'Job')!.metadata).toEqual({ name: 'seed' });
    expect(templates.find((template) => template.kind === 'Job')!.spec).toEqual({
      template: { metadata: { labels: { app: 'seed' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'seed', image: '${{ params.workloads.seed.images.seed }}' }] } },
    });
    const claimTemplate = ((templates.find((template) => template.kind === 'StatefulSet')!.spec as JsonObject).volumeClaimTemplates as JsonObject[])[0];
    expect(claimTemplate).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    expect(warnings).toEqual([
      'Secret default-token-x1: left out, a service account token is made by the cluster',
      'Deployment web: runs as service account web-sa, which a package cannot hold: create it in the namespace you deploy to',
    ]);
  });

  test("a Secret's values are write-only parameters without a default: in neither the templates nor the schema", () => {
    const { templates, parametersSchema, standIns } = saved();
    const secret = templates.find((template) => template.kind === 'Secret')!;
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'web-settings' },
      type: 'Opaque',
      data: { blob: '${{ params.secrets.web-settings.blob }}' },
      stringData: { password: '${{ params.secrets.web-settings.password }}', 'tls.crt': '${{ params.secrets.web-settings.tls_crt }}' },
    });
    const stored = JSON.stringify({ templates, parametersSchema });
    for (const leaked of [PASSWORD, b64(PASSWORD), 'BEGIN CERTIFICATE', b64('jwt')]) expect(stored).not.toContain(leaked);
    const settings = (((parametersSchema.properties as JsonObject).secrets as JsonObject).properties as JsonObject)['web-settings'] as JsonObject;
    expect(settings.required).toEqual(['password', 'tls_crt', 'blob']);
    expect(Object.values(settings.properties as JsonObject).every((property) => (property as JsonObject).writeOnly === true && !('default' in (property as JsonObject)))).toBe(
      true,
    );
    expect(hiddenPaths(parametersSchema).sort()).toEqual(['secrets.web-settings.blob', 'secrets.web-settings.password', 'secrets.web-settings.tls_crt']);
    expect(standIns).toEqual({ secrets: { 'web-settings': { password: 'stand-in', tls_crt: 'stand-in', blob: 'AA==' } } });
  });

  test('images, replicas and claims are parameters defaulting to what runs; rendered with the defaults, the objects are the running ones', () => {
    const { templates, parametersSchema, standIns } = saved();
    const compiled = compileParameters(parametersSchema);
    const { values, complete } = compiled.defaults();
    // The Secret's values have no default: a deploy must give them.
    expect(complete).toBe(false);
    expect(values.workloads).toEqual({
      web: { replicas: 3, images: { migrate: 'registry.example.com/shop/migrate:2.1', web: 'nginx:1.27', _constructor: 'busybox:1.36' } },
      cache: { replicas: 1, images: { redis: 'redis:7.2' } },
      seed: { images: { seed: 'shop/seed:1' } },
    });
    expect(values.claims).toEqual({ 'web-content': { storage: '2Gi', storageClassName: 'standard' } });
    expect(() => compiled.validate({ workloads: { web: { replicas: 'three' } } })).toThrow('workloads.web.replicas');

    const rendered = renderVersion({ templates, parametersSchema }, standIns);
    const manifest = (kind: string, name: string) => rendered.objects.find((object) => object.kind === kind && object.name === name)!.manifest;
    const deployment = manifest('Deployment', 'web').spec as JsonObject;
    expect(deployment.replicas).toBe(3);
    expect(((deployment.template as JsonObject).spec as JsonObject).containers).toEqual(
      (((liveDeployment().spec as JsonObject).template as JsonObject).spec as JsonObject).containers,
    );
    // Literal `${{` in a live value reads the same after rendering.
    expect(manifest('ConfigMap', 'web-config').data).toEqual({ 'index.html': '<h1>${{ github.sha }}</h1>', 'escaped.txt': 'keep $${{ this }}' });
    expect(manifest('PersistentVolumeClaim', 'web-content').spec).toMatchObject({ resources: { requests: { storage: '2Gi' } }, storageClassName: 'standard' });
    expect(manifest('Secret', 'web-settings')).toMatchObject({ stringData: { password: 'stand-in' }, data: { blob: 'AA==' } });
    expect(
      renderVersion({ templates, parametersSchema }, { ...standIns, workloads: { web: { images: { web: 'nginx:1.28' } } } }).objects.find((object) => object.kind === 'Deployment')!
        .manifest,
    ).toMatchObject({
      spec: { replicas: 3, template: { spec: { containers: [{ image: 'nginx:1.28' }, { image: 'busybox:1.36' }] } } },
    });
  });

  test('the templates survive export and import unchanged, with nothing for the import to drop', () => {
    const { templates, parametersSchema } = saved();
    const { documents, warnings } = parseTemplates(templatesToYaml(templates));
    expect(documents).toEqual(templates);
    expect(warnings).toEqual([]);
    const compiled = compileParameters(parametersSchema);
    expect(() => checkReferences(documents, (path) => compiled.declares(path))).not.toThrow();
  });

  test('a selector that chooses by release labels only is refused, naming the object and the fix', () => {
    const deployment = liveDeployment();
    (deployment.spec as JsonObject).selector = { matchLabels: { 'kda.io/release': 'rel-1' } };
    expect(() => packageObjects([deployment], { source: 'map' })).toThrow(CaptureProblem);
    expect(() => packageObjects([deployment], { source: 'map' })).toThrow(
      /Deployment web: spec.selector selects only by kda.io\/release.*give the selector and the pods a label of their own/,
    );
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { 'kda.io/app-map': 'shop-web' }, ports: [{ port: 80 }] } };
    expect(() => packageObjects([liveDeployment(), service], { source: 'map' })).toThrow(/Service web: spec.selector selects only by kda.io\/app-map/);
    // matchExpressions on a release label are dropped with it.
    (deployment.spec as JsonObject).selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'kda.io/stage', operator: 'In', values: ['DEV'] }] };
    expect((packageObjects([deployment], { source: 'map' }).templates[0]!.spec as JsonObject).selector).toEqual({ matchLabels: { app: 'web' } });
  });

  test('parameter names are made from any object, container or key name, unique among their siblings', () => {
    const secret = (name: string, data: JsonObject): JsonObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, data });
    const { parametersSchema } = packageObjects(
      [liveDeployment(), { ...liveDeployment(), kind: 'DaemonSet', metadata: { name: 'web' } }, secret('1st.config', { 'a.b': b64('x'), a_b: b64('y'), __proto__key: b64('z') })],
      { source: 'map' },
    );
    const properties = parametersSchema.properties as JsonObject;
    expect(Object.keys((properties.workloads as JsonObject).properties as JsonObject)).toEqual(['web', 'web_2']);
    const secrets = (properties.secrets as JsonObject).properties as JsonObject;
    expect(Object.keys(secrets)).toEqual(['_1st_config']);
    expect(Object.keys((secrets._1st_config as JsonObject).properties as JsonObject)).toEqual(['a_b', 'a_b_2', '__proto__key']);
    expect(() => compileParameters(parametersSchema)).not.toThrow();
  });
});

describe('what a pod template refers to', () => {
  test('ConfigMaps, Secrets and claims from volumes, envFrom, env and pull secrets; optional only when optional everywhere', () => {
    const references = referencesOf(liveDeployment());
    expect([...references.configMaps]).toEqual([
      ['web-config', false],
      ['theme', true],
    ]);
    expect([...references.secrets]).toEqual([
      ['web-tls', false],
      ['web-settings', false],
      ['pull', true],
    ]);
    expect([...references.claims]).toEqual(['web-content']);
    expect(references.serviceAccount).toBe('web-sa');
    const cronJob: JsonObject = {
      kind: 'CronJob',
      spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'x', envFrom: [{ secretRef: { name: 'cron-env' } }] }] } } } } },
    };
    expect([...referencesOf(cronJob).secrets.keys()]).toEqual(['cron-env']);
  });

  test('the Services an Ingress sends traffic to', () => {
    expect(
      ingressServices({
        spec: {
          defaultBackend: { service: { name: 'fallback', port: { number: 80 } } },
          rules: [
            {
              host: 'shop.example.com',
              http: {
                paths: [
                  { path: '/', backend: { service: { name: 'web' } } },
                  { path: '/api', backend: { service: { name: 'web' } } },
                ],
              },
            },
          ],
        },
      }),
    ).toEqual(['fallback', 'web']);
  });
});
