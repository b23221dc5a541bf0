import { initialsIcon, integer, objectSchema, p, password, quantity, string, type DemoPackage } from './package-data.js';

/** The demo cards for data workloads: the DB demo, Elasticsearch, Spark and JupyterLab with Spark. */

const statefulDatabase = (name: string, image: string, port: number, mountPath: string, env: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  labels: { app: ${name}, tier: db }
spec:
  clusterIP: None
  selector: { app: ${name} }
  ports:
    - port: ${port}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ${name}
  labels: { app: ${name}, tier: db }
spec:
  serviceName: ${name}
  replicas: 1
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name}, tier: db }
    spec:
      containers:
        - name: ${name.replace('demo-', '')}
          image: ${image}
          ports:
            - containerPort: ${port}
          env:
${env}
          volumeMounts:
            - name: data
              mountPath: ${mountPath}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: "${p('storage')}"
`;

const dbDemo: DemoPackage = {
  name: 'DB 데모 애플리케이션',
  description: 'MySQL과 PostgreSQL을 함께 배포하는 데모 애플리케이션 (MySQL + PostgreSQL demo databases).',
  tags: ['demo', 'database', 'mysql', 'postgresql'],
  icon: initialsIcon('DB', '#3f51b5'),
  versions: [
    {
      version: '1.0.0',
      description: 'MySQL 8.0 and PostgreSQL 16, passwords in one Secret.',
      manifests: `apiVersion: v1
kind: Secret
metadata:
  name: demo-db-credentials
type: Opaque
stringData:
  mysql-root-password: ${p('mysqlPassword')}
  postgres-password: ${p('postgresPassword')}
---
${statefulDatabase(
  'demo-mysql',
  'docker.io/library/mysql:8.0.39',
  3306,
  '/var/lib/mysql',
  `            - name: MYSQL_ROOT_PASSWORD
              valueFrom: { secretKeyRef: { name: demo-db-credentials, key: mysql-root-password } }
            - name: MYSQL_DATABASE
              value: demo`,
)}---
${statefulDatabase(
  'demo-postgresql',
  'docker.io/library/postgres:16.4',
  5432,
  '/var/lib/postgresql/data',
  `            - name: POSTGRES_PASSWORD
              valueFrom: { secretKeyRef: { name: demo-db-credentials, key: postgres-password } }
            - name: POSTGRES_DB
              value: demo
            - name: PGDATA
              value: /var/lib/postgresql/data/pgdata`,
)}`,
      parametersSchema: objectSchema(
        {
          mysqlPassword: password('MySQL root password.'),
          postgresPassword: password('PostgreSQL password.'),
          storage: quantity('5Gi', 'Volume of each database.'),
        },
        ['mysqlPassword', 'postgresPassword'],
      ),
    },
  ],
};

const elasticsearch: DemoPackage = {
  name: 'Elasticsearch 6.4.2',
  description: 'Elasticsearch 6.4.2 (OSS) cluster: master-eligible data nodes in a StatefulSet, and a DaemonSet that raises vm.max_map_count on every node.',
  tags: ['demo', 'search', 'elasticsearch'],
  icon: initialsIcon('ES', '#00bfb3'),
  versions: [
    {
      version: '6.4.2',
      description: 'docker.elastic.co/elasticsearch/elasticsearch-oss:6.4.2.',
      manifests: `apiVersion: v1
kind: ConfigMap
metadata:
  name: elasticsearch-config
data:
  elasticsearch.yml: |
    cluster.name: \${CLUSTER_NAME}
    network.host: 0.0.0.0
    discovery.zen.ping.unicast.hosts: elasticsearch-discovery
    discovery.zen.minimum_master_nodes: \${MINIMUM_MASTER_NODES}
---
apiVersion: v1
kind: Service
metadata:
  name: elasticsearch-discovery
spec:
  clusterIP: None
  selector: { app: elasticsearch }
  ports:
    - { name: transport, port: 9300 }
---
apiVersion: v1
kind: Service
metadata:
  name: elasticsearch
spec:
  selector: { app: elasticsearch }
  ports:
    - { name: http, port: 9200 }
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: elasticsearch-sysctl
spec:
  selector:
    matchLabels: { app: elasticsearch-sysctl }
  template:
    metadata:
      labels: { app: elasticsearch-sysctl }
    spec:
      initContainers:
        - name: sysctl
          image: busybox:1.36
          command: ["sysctl", "-w", "vm.max_map_count=262144"]
          securityContext: { privileged: true }
      containers:
        - name: pause
          image: registry.k8s.io/pause:3.10
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: elasticsearch
spec:
  serviceName: elasticsearch-discovery
  replicas: ${p('replicas')}
  selector:
    matchLabels: { app: elasticsearch }
  template:
    metadata:
      labels: { app: elasticsearch }
    spec:
      containers:
        - name: elasticsearch
          image: docker.elastic.co/elasticsearch/elasticsearch-oss:6.4.2
          env:
            - { name: CLUSTER_NAME, value: "${p('clusterName')}" }
            - { name: MINIMUM_MASTER_NODES, value: "${p('minimumMasterNodes', 'string')}" }
            - { name: ES_JAVA_OPTS, value: "-Xms${p('heap')} -Xmx${p('heap')}" }
          ports:
            - { name: http, containerPort: 9200 }
            - { name: transport, containerPort: 9300 }
          resources:
            requests: { cpu: "500m", memory: "${p('memory')}" }
          volumeMounts:
            - { name: data, mountPath: /usr/share/elasticsearch/data }
            - { name: config, mountPath: /usr/share/elasticsearch/config/elasticsearch.yml, subPath: elasticsearch.yml }
      volumes:
        - name: config
          configMap: { name: elasticsearch-config }
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
        clusterName: string('demo-es', 50),
        replicas: integer(3, 1, 9, 'Data nodes.'),
        minimumMasterNodes: integer(2, 1, 5, 'Quorum of the 3 default nodes; (replicas / 2) + 1.'),
        heap: { type: 'string', maxLength: 10, pattern: '^[0-9]+[mg]$', default: '1g', description: 'JVM heap, e.g. 512m or 1g.' },
        memory: quantity('2Gi', 'Memory requested per node (about twice the heap).'),
        storage: quantity('30Gi'),
      }),
    },
  ],
};

const sparkManifests = (withExample: boolean) => `apiVersion: v1
kind: Service
metadata:
  name: spark-master
spec:
  selector: { app: spark, component: master }
  ports:
    - { name: cluster, port: 7077 }
    - { name: web, port: 8080 }
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: spark-master
spec:
  serviceName: spark-master
  replicas: 1
  selector:
    matchLabels: { app: spark, component: master }
  template:
    metadata:
      labels: { app: spark, component: master }
    spec:
      containers:
        - name: spark-master
          image: docker.io/bitnami/spark:${p('sparkVersion')}
          env:
            - { name: SPARK_MODE, value: master }
          ports:
            - containerPort: 7077
            - containerPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: spark-worker
spec:
  replicas: ${p('workers')}
  selector:
    matchLabels: { app: spark, component: worker }
  template:
    metadata:
      labels: { app: spark, component: worker }
    spec:
      containers:
        - name: spark-worker
          image: docker.io/bitnami/spark:${p('sparkVersion')}
          env:
            - { name: SPARK_MODE, value: worker }
            - { name: SPARK_MASTER_URL, value: "spark://spark-master:7077" }
            - { name: SPARK_WORKER_MEMORY, value: "${p('workerMemory')}" }
          resources:
            requests: { cpu: "${p('workerCpu')}", memory: "${p('workerMemory')}" }
${
  withExample
    ? `---
apiVersion: batch/v1
kind: Job
metadata:
  name: spark-pi
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: spark-pi
          image: docker.io/bitnami/spark:${p('sparkVersion')}
          command: ["spark-submit", "--master", "spark://spark-master:7077", "--class", "org.apache.spark.examples.SparkPi", "/opt/bitnami/spark/examples/jars/spark-examples_2.12-3.5.3.jar", "100"]
`
    : ''
}`;

const sparkSchema = objectSchema({
  sparkVersion: string('3.5.3', 20, 'bitnami/spark image tag.'),
  workers: integer(2, 1, 20),
  workerCpu: quantity('500m'),
  workerMemory: quantity('1Gi'),
});

const spark: DemoPackage = {
  name: 'spark',
  description: 'Apache Spark standalone cluster for a proof of concept (POC): a master and workers; 0.2 adds a SparkPi Job to try it.',
  tags: ['demo', 'POC', 'spark', 'analytics'],
  icon: initialsIcon('Sp', '#e25a1c'),
  versions: [
    { version: '0.1.0', description: 'Master and workers.', manifests: sparkManifests(false), parametersSchema: sparkSchema },
    { version: '0.2.0', description: 'Adds the SparkPi example Job.', manifests: sparkManifests(true), parametersSchema: sparkSchema },
  ],
};

const jupyterSpark: DemoPackage = {
  name: 'jupyter-spark-demo',
  description: 'JupyterLab with PySpark, next to a Spark master and workers: notebooks that run on the cluster.',
  tags: ['demo', 'notebook', 'spark', 'analytics'],
  icon: initialsIcon('JS', '#f37626'),
  versions: [
    {
      version: '1.0.0',
      description: 'quay.io/jupyter/pyspark-notebook:spark-3.5.3 and bitnami/spark:3.5.3.',
      manifests: `${sparkManifests(false)}---
apiVersion: v1
kind: Service
metadata:
  name: jupyterlab
spec:
  type: NodePort
  selector: { app: jupyterlab }
  ports:
    - { name: http, port: 8888 }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: jupyterlab
spec:
  replicas: 1
  selector:
    matchLabels: { app: jupyterlab }
  template:
    metadata:
      labels: { app: jupyterlab }
    spec:
      containers:
        - name: jupyterlab
          image: quay.io/jupyter/pyspark-notebook:spark-3.5.3
          env:
            - { name: SPARK_MASTER, value: "spark://spark-master:7077" }
            - { name: JUPYTER_TOKEN, value: "${p('token')}" }
          ports:
            - containerPort: 8888
          resources:
            requests: { cpu: 500m, memory: 1Gi }
`,
      parametersSchema: objectSchema({ ...sparkSchema.properties, token: string('spark-demo', 100, 'JupyterLab login token.') }),
    },
  ],
};

export const DATA_PACKAGES: readonly DemoPackage[] = [dbDemo, elasticsearch, jupyterSpark, spark];
