import { initialsIcon, integer, objectSchema, p, password, quantity, string, type DemoPackage } from './package-data.js';

/** Starting points: one service each, a few parameters, sensible defaults. */

const nginxManifests = (withConfig: boolean) => `apiVersion: v1
kind: Service
metadata:
  name: ${p('name')}
  labels:
    app.kubernetes.io/name: ${p('name')}
spec:
  type: ${p('serviceType')}
  selector:
    app.kubernetes.io/name: ${p('name')}
  ports:
    - name: http
      port: 80
      targetPort: http
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${p('name')}
  labels:
    app.kubernetes.io/name: ${p('name')}
spec:
  replicas: ${p('replicas')}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${p('name')}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${p('name')}
    spec:
      containers:
        - name: nginx
          image: "nginx:${p('imageTag')}"
          ports:
            - name: http
              containerPort: 80
          resources:
            requests: { cpu: "${p('cpu')}", memory: "${p('memory')}" }
          readinessProbe:
            httpGet: { path: /, port: http }${
              withConfig
                ? `
          volumeMounts:
            - name: config
              mountPath: /etc/nginx/conf.d
      volumes:
        - name: config
          configMap:
            name: ${p('name')}-config
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${p('name')}-config
data:
  default.conf: |
    server {
      listen 80;
      location / {
        root /usr/share/nginx/html;
        index index.html;
      }
      location /healthz { return 200 "ok"; }
    }`
                : ''
            }
`;

const nginxSchema = (imageTag: string) =>
  objectSchema({
    name: string('nginx', 50, 'Name of the Deployment and Service.'),
    replicas: integer(2, 0, 20, 'Pods serving.'),
    imageTag: string(imageTag, 50, 'nginx image tag.'),
    serviceType: { type: 'string', enum: ['ClusterIP', 'NodePort', 'LoadBalancer'], default: 'ClusterIP' },
    cpu: quantity('100m'),
    memory: quantity('128Mi'),
  });

const nginx: DemoPackage = {
  name: 'nginx',
  description: 'NGINX web server: a Deployment behind a Service, with its server configuration in a ConfigMap.',
  tags: ['template', 'web', 'nginx'],
  icon: initialsIcon('NX', '#009639'),
  versions: [
    { version: '1.0.0', description: 'nginx 1.26, default configuration.', manifests: nginxManifests(false), parametersSchema: nginxSchema('1.26') },
    { version: '1.1.0', description: 'nginx 1.27; server configuration from a ConfigMap.', manifests: nginxManifests(true), parametersSchema: nginxSchema('1.27') },
  ],
};

const redis: DemoPackage = {
  name: 'redis',
  description: 'Redis in-memory store: one StatefulSet pod with append-only persistence.',
  tags: ['template', 'database', 'cache'],
  icon: initialsIcon('R', '#d82c20'),
  versions: [
    {
      version: '7.4.1',
      description: 'Redis 7.4 (alpine).',
      manifests: `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${p('name')}-config
data:
  redis.conf: |
    appendonly yes
    maxmemory-policy allkeys-lru
---
apiVersion: v1
kind: Service
metadata:
  name: ${p('name')}
spec:
  selector:
    app: ${p('name')}
  ports:
    - name: redis
      port: 6379
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ${p('name')}
spec:
  serviceName: ${p('name')}
  replicas: 1
  selector:
    matchLabels:
      app: ${p('name')}
  template:
    metadata:
      labels:
        app: ${p('name')}
    spec:
      containers:
        - name: redis
          image: redis:7.4.1-alpine
          args: ["/etc/redis/redis.conf", "--maxmemory", "${p('maxMemory')}"]
          ports:
            - containerPort: 6379
          volumeMounts:
            - { name: data, mountPath: /data }
            - { name: config, mountPath: /etc/redis }
      volumes:
        - name: config
          configMap:
            name: ${p('name')}-config
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: "${p('storage')}"
`,
      parametersSchema: objectSchema({
        name: string('redis', 50),
        maxMemory: string('256mb', 20, 'Redis maxmemory.'),
        storage: quantity('2Gi', 'Append-only file volume.'),
      }),
    },
  ],
};

const sqlDatabase = (engine: 'mysql' | 'postgresql'): DemoPackage => {
  const mysql = engine === 'mysql';
  const image = mysql ? 'mysql:8.0.39' : 'postgres:16.4';
  const port = mysql ? 3306 : 5432;
  const dataPath = mysql ? '/var/lib/mysql' : '/var/lib/postgresql/data';
  const env = mysql
    ? `            - name: MYSQL_ROOT_PASSWORD
              valueFrom: { secretKeyRef: { name: "${p('name')}-credentials", key: password } }
            - name: MYSQL_DATABASE
              value: ${p('database')}`
    : `            - name: POSTGRES_PASSWORD
              valueFrom: { secretKeyRef: { name: "${p('name')}-credentials", key: password } }
            - name: POSTGRES_DB
              value: ${p('database')}
            - name: PGDATA
              value: /var/lib/postgresql/data/pgdata`;
  return {
    name: mysql ? 'MySQL' : 'PostgreSQL',
    description: mysql
      ? 'MySQL 8.0 server with a persistent volume; the root password is kept in a Secret.'
      : 'PostgreSQL 16 server with a persistent volume; the password is kept in a Secret.',
    tags: ['template', 'database', mysql ? 'mysql' : 'postgresql'],
    icon: initialsIcon(mysql ? 'My' : 'Pg', mysql ? '#00758f' : '#336791'),
    versions: [
      {
        version: mysql ? '8.0.39' : '16.4.0',
        description: `${image}, one replica.`,
        manifests: `apiVersion: v1
kind: Secret
metadata:
  name: ${p('name')}-credentials
type: Opaque
stringData:
  password: ${p('password')}
---
apiVersion: v1
kind: Service
metadata:
  name: ${p('name')}
spec:
  clusterIP: None
  selector:
    app: ${p('name')}
  ports:
    - port: ${port}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ${p('name')}
spec:
  serviceName: ${p('name')}
  replicas: 1
  selector:
    matchLabels:
      app: ${p('name')}
  template:
    metadata:
      labels:
        app: ${p('name')}
    spec:
      containers:
        - name: ${engine}
          image: ${image}
          ports:
            - containerPort: ${port}
          env:
${env}
          resources:
            requests: { cpu: "${p('cpu')}", memory: "${p('memory')}" }
          volumeMounts:
            - name: data
              mountPath: ${dataPath}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: "${p('storage')}"
`,
        parametersSchema: objectSchema(
          {
            name: string(engine, 50),
            password: password(mysql ? 'Root password.' : 'Password of the postgres user.'),
            database: string('app', 64, 'A database created at first start.'),
            storage: quantity('10Gi'),
            cpu: quantity('250m'),
            memory: quantity('512Mi'),
          },
          ['password'],
        ),
      },
    ],
  };
};

const jupyterlab: DemoPackage = {
  name: 'JupyterLab',
  description: 'JupyterLab for notebooks, with a persistent home volume.',
  tags: ['template', 'notebook', 'data science'],
  icon: initialsIcon('Ju', '#f37626'),
  versions: [
    {
      version: '4.2.5',
      description: 'quay.io/jupyter/scipy-notebook, token from a parameter.',
      manifests: `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${p('name')}-home
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: "${p('storage')}"
---
apiVersion: v1
kind: Service
metadata:
  name: ${p('name')}
spec:
  selector:
    app: ${p('name')}
  ports:
    - name: http
      port: 8888
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${p('name')}
spec:
  replicas: 1
  strategy:
    type: Recreate
  selector:
    matchLabels:
      app: ${p('name')}
  template:
    metadata:
      labels:
        app: ${p('name')}
    spec:
      containers:
        - name: jupyterlab
          image: quay.io/jupyter/scipy-notebook:lab-4.2.5
          args: ["start-notebook.py", "--IdentityProvider.token=$(JUPYTER_TOKEN)"]
          env:
            - name: JUPYTER_TOKEN
              value: ${p('token')}
          ports:
            - containerPort: 8888
          resources:
            requests: { cpu: "${p('cpu')}", memory: "${p('memory')}" }
          volumeMounts:
            - name: home
              mountPath: /home/jovyan
      volumes:
        - name: home
          persistentVolumeClaim:
            claimName: ${p('name')}-home
`,
      parametersSchema: objectSchema({
        name: string('jupyterlab', 50),
        token: string('change-me', 100, 'Login token.'),
        storage: quantity('10Gi'),
        cpu: quantity('500m'),
        memory: quantity('1Gi'),
      }),
    },
  ],
};

const webService: DemoPackage = {
  name: 'Web service',
  description: 'An empty web service: your image in a Deployment behind a Service. The starting point for your own application.',
  tags: ['template', 'web'],
  icon: initialsIcon('W', '#5c6bc0'),
  versions: [
    {
      version: '1.0.0',
      description: 'Deployment and Service; image and port are yours to give.',
      manifests: `apiVersion: v1
kind: Service
metadata:
  name: ${p('name')}
spec:
  selector:
    app: ${p('name')}
  ports:
    - name: http
      port: ${p('port')}
      targetPort: ${p('port')}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${p('name')}
spec:
  replicas: ${p('replicas')}
  selector:
    matchLabels:
      app: ${p('name')}
  template:
    metadata:
      labels:
        app: ${p('name')}
    spec:
      containers:
        - name: app
          image: ${p('image')}
          ports:
            - containerPort: ${p('port')}
          env:
            - name: PORT
              value: "${p('port', 'string')}"
`,
      parametersSchema: objectSchema(
        {
          name: string('web', 50),
          image: { type: 'string', minLength: 1, maxLength: 300, description: 'Image to run, e.g. registry.example.com/team/app:1.0.0.' },
          port: integer(8080, 1, 65535, 'Port the container listens on.'),
          replicas: integer(1, 0, 20),
        },
        ['image'],
      ),
    },
  ],
};

export const TEMPLATE_PACKAGES: readonly DemoPackage[] = [nginx, redis, sqlDatabase('mysql'), sqlDatabase('postgresql'), jupyterlab, webService];
