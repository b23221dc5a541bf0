import { initialsIcon, integer, objectSchema, p, quantity, string, type DemoPackage } from './package-data.js';

/** The demo cards for web applications (electro-shop, sock-shop) and the notebooks (TensorFlow JupyterLab, RStudio). */

/** A Deployment and its ClusterIP Service, labelled `<label>: <name>`. */
function service(name: string, image: string, port: number, options: { label?: string; replicas?: string; env?: string; cpu?: string; memory?: string } = {}): string {
  const label = options.label ?? 'app';
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: { ${label}: ${name} }
  ports:
    - { port: ${port === 8079 ? 80 : port}, targetPort: ${port} }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: { ${label}: ${name} }
spec:
  replicas: ${options.replicas ?? 1}
  selector:
    matchLabels: { ${label}: ${name} }
  template:
    metadata:
      labels: { ${label}: ${name} }
    spec:
      containers:
        - name: ${name}
          image: ${image}
          ports:
            - containerPort: ${port}${
              options.env === undefined
                ? ''
                : `
          env:
${options.env}`
            }
          resources:
            requests: { cpu: ${options.cpu ?? '100m'}, memory: ${options.memory ?? '128Mi'} }
`;
}

const electroShop: DemoPackage = {
  name: 'electro-shop-demo',
  description: 'An electronics shop: a web front end, product and cart APIs, Redis for carts, an Ingress and a nightly cart clean-up.',
  tags: ['demo', 'web', 'shop'],
  icon: initialsIcon('ES', '#ff9800'),
  versions: [
    {
      version: '2.1.0',
      description: 'Front end, product-api and cart-api 2.1.0.',
      manifests: [
        service('frontend', `regi.acloud.run/demo/electro-shop-frontend:${p('version')}`, 8080, { replicas: p('frontendReplicas') }),
        service('product-api', `regi.acloud.run/demo/electro-shop-product-api:${p('version')}`, 8080, { cpu: '200m', memory: '256Mi' }),
        service('cart-api', `regi.acloud.run/demo/electro-shop-cart-api:${p('version')}`, 8080, {
          memory: '256Mi',
          env: '            - { name: REDIS_URL, value: "redis://redis:6379" }',
        }),
        `apiVersion: v1
kind: Service
metadata:
  name: redis
spec:
  clusterIP: None
  selector: { app: redis }
  ports:
    - port: 6379
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
spec:
  serviceName: redis
  replicas: 1
  selector:
    matchLabels: { app: redis }
  template:
    metadata:
      labels: { app: redis }
    spec:
      containers:
        - name: redis
          image: docker.io/library/redis:7.4.1-alpine
          ports:
            - containerPort: 6379
          volumeMounts:
            - { name: redis-data, mountPath: /data }
  volumeClaimTemplates:
    - metadata:
        name: redis-data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: 2Gi
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cart-cleanup
spec:
  schedule: "${p('cleanupSchedule')}"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: cleanup
              image: docker.io/curlimages/curl:8.10.1
              args: ["-fsS", "-X", "POST", "http://cart-api:8080/admin/expire-carts"]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: electro-shop
spec:
  rules:
    - host: ${p('host')}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: frontend
                port: { number: 8080 }
          - path: /api/products
            pathType: Prefix
            backend:
              service:
                name: product-api
                port: { number: 8080 }
          - path: /api/cart
            pathType: Prefix
            backend:
              service:
                name: cart-api
                port: { number: 8080 }
`,
      ].join('---\n'),
      parametersSchema: objectSchema({
        version: string('2.1.0', 50, 'Image tag of the three services.'),
        frontendReplicas: integer(2, 1, 20),
        host: { type: 'string', maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', default: 'shop.demo.acornsoft.example' },
        cleanupSchedule: string('0 3 * * *', 50, 'When carts older than a day are expired (cron).'),
      }),
    },
  ],
};

const SOCK_SHOP: ReadonlyArray<readonly [string, string, number, string?]> = [
  ['front-end', 'weaveworksdemos/front-end:0.3.12', 8079, '128Mi'],
  ['catalogue', 'weaveworksdemos/catalogue:0.3.5', 80],
  ['catalogue-db', 'weaveworksdemos/catalogue-db:0.3.0', 3306, '256Mi'],
  ['carts', 'weaveworksdemos/carts:0.4.8', 80, '512Mi'],
  ['orders', 'weaveworksdemos/orders:0.4.7', 80, '512Mi'],
  ['payment', 'weaveworksdemos/payment:0.4.3', 80],
  ['shipping', 'weaveworksdemos/shipping:0.4.8', 80, '512Mi'],
  ['user', 'weaveworksdemos/user:0.4.7', 80],
  ['user-db', 'weaveworksdemos/user-db:0.3.0', 27017, '256Mi'],
];

const sockShop: DemoPackage = {
  name: 'benchmark-sock-shop',
  description: "Weaveworks' Sock Shop microservices, the classic benchmark application: a front end and eight services with their databases.",
  tags: ['demo', 'benchmark', 'microservices'],
  icon: initialsIcon('SS', '#795548'),
  versions: [
    {
      version: '0.3.12',
      description: 'Front end 0.3.12 and its services.',
      manifests: SOCK_SHOP.map(([name, image, port, memory]) =>
        service(name, image, port, {
          label: 'name',
          ...(memory === undefined ? {} : { memory }),
          ...(name === 'front-end' ? { replicas: p('frontEndReplicas') } : {}),
          ...(name === 'catalogue-db' ? { env: '            - { name: MYSQL_ROOT_PASSWORD, value: fake_password }\n            - { name: MYSQL_DATABASE, value: socksdb }' } : {}),
        }),
      ).join('---\n'),
      parametersSchema: objectSchema({ frontEndReplicas: integer(1, 1, 10, 'Front-end pods (the load generator hits them).') }),
    },
  ],
};

const tensorflowJupyterlab: DemoPackage = {
  name: '[Demo]tensorflow-jupyterlab',
  description: 'JupyterLab with TensorFlow for model training demos, notebooks on a persistent volume.',
  tags: ['demo', 'notebook', 'AI', 'tensorflow'],
  icon: initialsIcon('TF', '#ff6f00'),
  versions: [
    {
      version: '2.17.0',
      description: 'tensorflow/tensorflow:2.17.0-jupyter.',
      manifests: `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: tensorflow-notebooks
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: "${p('storage')}"
---
apiVersion: v1
kind: Service
metadata:
  name: tensorflow-jupyterlab
spec:
  type: NodePort
  selector: { app: tensorflow-jupyterlab }
  ports:
    - { name: http, port: 8888 }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: tensorflow-jupyterlab
spec:
  replicas: 1
  strategy: { type: Recreate }
  selector:
    matchLabels: { app: tensorflow-jupyterlab }
  template:
    metadata:
      labels: { app: tensorflow-jupyterlab }
    spec:
      containers:
        - name: jupyterlab
          image: docker.io/tensorflow/tensorflow:2.17.0-jupyter
          ports:
            - containerPort: 8888
          resources:
            requests: { cpu: "${p('cpu')}", memory: "${p('memory')}" }
          volumeMounts:
            - { name: notebooks, mountPath: /tf/notebooks }
      volumes:
        - name: notebooks
          persistentVolumeClaim: { claimName: tensorflow-notebooks }
`,
      parametersSchema: objectSchema({ cpu: quantity('1'), memory: quantity('4Gi'), storage: quantity('20Gi') }),
    },
  ],
};

const rNotebook: DemoPackage = {
  name: 'notebook',
  description: 'RStudio Server, the R IDE in the browser, with a persistent home.',
  tags: ['demo', 'notebook', 'R', 'IDE'],
  icon: initialsIcon('R', '#276dc3'),
  versions: [
    {
      version: '4.4.1',
      description: 'rocker/rstudio:4.4.1.',
      manifests: `apiVersion: v1
kind: Secret
metadata:
  name: rstudio-login
type: Opaque
stringData:
  password: ${p('password')}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: rstudio-home
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: "${p('storage')}"
---
apiVersion: v1
kind: Service
metadata:
  name: rstudio
spec:
  selector: { app: rstudio }
  ports:
    - { name: http, port: 8787 }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: rstudio
spec:
  replicas: 1
  strategy: { type: Recreate }
  selector:
    matchLabels: { app: rstudio }
  template:
    metadata:
      labels: { app: rstudio }
    spec:
      containers:
        - name: rstudio
          image: docker.io/rocker/rstudio:4.4.1
          env:
            - name: PASSWORD
              valueFrom: { secretKeyRef: { name: rstudio-login, key: password } }
          ports:
            - containerPort: 8787
          resources:
            requests: { cpu: 500m, memory: 1Gi }
          volumeMounts:
            - { name: home, mountPath: /home/rstudio }
      volumes:
        - name: home
          persistentVolumeClaim: { claimName: rstudio-home }
`,
      parametersSchema: objectSchema({ password: string('rstudio-demo', 100, 'Login password of the rstudio user.'), storage: quantity('10Gi') }),
    },
  ],
};

export const WEB_AND_NOTEBOOK_PACKAGES: readonly DemoPackage[] = [electroShop, sockShop, tensorflowJupyterlab, rNotebook];
