import { ApolloClient, gql, HttpLink, InMemoryCache, type TypedDocumentNode } from '@apollo/client';
import { createToken, createUser } from './identity-support.js';
import { registerCluster, startSmallCluster, type RegisteredCluster } from './support/cluster.js';
import { nodesOf, type Connection } from './support/connections.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';

/** What a dashboard asks for (growing lists as connections, small ones as lists), with the __typename Apollo adds. */
interface Dashboard {
  readonly clusters: Array<{ readonly id: string; readonly region: string }>;
  readonly workspaces: Connection<{ readonly id: string; readonly name: string }>;
}

const DASHBOARD: TypedDocumentNode<Dashboard> = gql`
  query Dashboard {
    clusters {
      __typename
      id
      name
      status
      region
      nodes {
        __typename
        totalCount
        edges {
          __typename
          cursor
          node {
            __typename
            id
            name
            ready
            capacity {
              __typename
              cpuCores
            }
          }
        }
      }
      pods(first: 50) {
        __typename
        totalCount
        edges {
          __typename
          cursor
          node {
            __typename
            id
            name
            phase
            containers {
              __typename
              name
              ready
            }
          }
        }
        pageInfo {
          __typename
          hasNextPage
          endCursor
        }
      }
      workloads {
        __typename
        edges {
          __typename
          cursor
          node {
            __typename
            id
            name
            kind
            ready
            desired
          }
        }
      }
      services {
        __typename
        edges {
          __typename
          cursor
          node {
            __typename
            id
            name
            type
            ports {
              __typename
              port
            }
          }
        }
      }
    }
    workspaces {
      __typename
      totalCount
      edges {
        __typename
        cursor
        node {
          __typename
          id
          name
          members {
            __typename
            edges {
              __typename
              cursor
              node {
                __typename
                id
                role
                user {
                  __typename
                  id
                  name
                  email
                }
              }
            }
          }
        }
      }
      pageInfo {
        __typename
        hasNextPage
        endCursor
      }
    }
    me {
      __typename
      id
      name
      apiTokens {
        __typename
        edges {
          __typename
          cursor
          node {
            __typename
            id
            name
            scopes
          }
        }
      }
    }
  }
`;

const UPDATE_WORKSPACE = gql`
  mutation Rename($id: ID!, $name: String!) {
    updateWorkspace(input: { id: $id, name: $name }) {
      __typename
      workspace {
        __typename
        id
        name
      }
    }
  }
`;

const UPDATE_CLUSTER = gql`
  mutation Move($id: ID!, $region: String!) {
    updateCluster(input: { id: $id, region: $region }) {
      __typename
      cluster {
        __typename
        id
        region
      }
    }
  }
`;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every object of a response that has an id, as `Typename:id` (Apollo's default cache key). */
function identities(value: Json, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => identities(item, found));
  else if (value !== null && typeof value === 'object') {
    if (typeof value.id === 'string') found.add(`${value.__typename as string}:${value.id}`);
    Object.values(value).forEach((item) => identities(item, found));
  }
  return found;
}

/**
 * Objects with an id stored inside another entry instead of as their own (a normalization miss).
 * Connections, edges and page infos have no id: they stay embedded in their parent's entry, and
 * the walk goes through them to the nodes, which must be references.
 */
function embeddedIdentities(value: Json, path: string, misses: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item, index) => embeddedIdentities(item, `${path}[${index}]`, misses));
  else if (value !== null && typeof value === 'object') {
    if ('id' in value) misses.push(path);
    for (const [key, item] of Object.entries(value)) embeddedIdentities(item, `${path}.${key}`, misses);
  }
  return misses;
}

describe('Apollo Client normalizes the graph with no type policies', () => {
  let gateway: TestGateway;
  let cluster: RegisteredCluster;
  let client: ApolloClient;
  let cache: InMemoryCache;

  beforeAll(async () => {
    gateway = await startTestGateway();
    const simulator = await startSmallCluster();
    simulator.addDeployment({ namespace: 'team-a', name: 'api', replicas: 1, labels: { app: 'api' }, containers: [{ name: 'api', image: 'example/api:1' }] });
    simulator.addService({ namespace: 'team-a', name: 'api', type: 'ClusterIP', selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] });
    cluster = await registerCluster(gateway, simulator);
    // A real administrator with a token of their own, so `me { apiTokens }` has something to show.
    const admin = await createUser(gateway, { name: 'Dana', email: 'dana@example.com', systemRole: 'ADMIN' });
    const { token } = await createToken(gateway, { name: 'dashboard', userId: admin.id, scopes: ['READ', 'WRITE'] });
    const workspace = await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(`mutation { createWorkspace(input: { name: "Cloud Team" }) { workspace { id } } }`);
    const workspaceId = workspace.data?.createWorkspace.workspace.id;
    if (workspaceId === undefined) throw new Error(`createWorkspace failed: ${JSON.stringify(workspace.errors)}`);
    const member = await gateway.request(`mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`, {
      input: { workspaceId, userId: admin.id, role: 'MANAGER' },
    });
    expect(member.errors).toBeUndefined();
    const allotment = await gateway.request(`mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { namespaces } } }`, {
      input: { workspaceId, clusterId: cluster.id },
    });
    expect(allotment.errors).toBeUndefined();

    cache = new InMemoryCache();
    client = new ApolloClient({ link: new HttpLink({ uri: gateway.graphqlUrl, headers: { authorization: `Bearer ${token}` } }), cache });
  });

  afterAll(async () => {
    client?.stop();
    await gateway?.stop();
    await cluster?.simulator.close();
  });

  it('gives every object with identity its own cache entry, and leaves none embedded', async () => {
    const { data } = await client.query({ query: DASHBOARD, fetchPolicy: 'network-only' });
    const expected = identities(data as unknown as Json);
    // The dashboard shows every kind it asks for.
    expect(new Set([...expected].map((key) => key.split(':')[0]))).toEqual(
      new Set(['Cluster', 'ClusterNode', 'Pod', 'Workload', 'Service', 'Workspace', 'Member', 'User', 'ApiToken']),
    );

    const stored = cache.extract() as Record<string, Json>;
    for (const key of expected) expect(stored).toHaveProperty([key]);
    // Besides the root, the store holds exactly the identified objects, and none is copied inside another.
    expect(
      Object.keys(stored)
        .filter((key) => key !== 'ROOT_QUERY')
        .sort(),
    ).toEqual([...expected].sort());
    const embedded = Object.entries(stored).flatMap(([key, entry]) =>
      Object.entries(entry as Record<string, Json>).flatMap(([field, value]) => embeddedIdentities(value, `${key}.${field}`)),
    );
    expect(embedded).toEqual([]);
    // The check sees through connections: a node copied into an edge would be a miss.
    expect(embeddedIdentities({ __typename: 'PodConnection', edges: [{ __typename: 'PodEdge', cursor: 'c', node: { __typename: 'Pod', id: 'p' } }] }, 'probe')).toEqual([
      'probe.edges[0].node',
    ]);
    // And the references hold: the connections stay embedded in their parent, their edges point to the entries.
    const clusterEntry = Object.entries(stored).find(([key]) => key.startsWith('Cluster:'))?.[1] as Record<string, Json>;
    expect(JSON.stringify(clusterEntry)).toMatch(/"__typename":"PodConnection"/);
    expect(JSON.stringify(clusterEntry)).toMatch(/"__ref":"Pod:/);
    expect(JSON.stringify(clusterEntry)).toMatch(/"__ref":"ClusterNode:/);
    expect(JSON.stringify(stored.ROOT_QUERY)).toMatch(/"__ref":"Workspace:/);
  });

  it('updates the cached object in place from a mutation payload', async () => {
    const { data } = await client.query({ query: DASHBOARD, fetchPolicy: 'network-only' });
    const workspace = nodesOf(data!.workspaces)[0]!;
    const clusterRow = data!.clusters[0]!;
    const entryKeys = () =>
      Object.keys(cache.extract())
        .filter((key) => key !== 'ROOT_MUTATION')
        .sort();
    const keysBefore = entryKeys();

    await client.mutate({ mutation: UPDATE_WORKSPACE, variables: { id: workspace.id, name: 'Cloud Platform Team' } });
    await client.mutate({ mutation: UPDATE_CLUSTER, variables: { id: clusterRow.id, region: 'Busan' } });

    const stored = cache.extract() as Record<string, Record<string, Json>>;
    expect(stored[`Workspace:${workspace.id}`]?.name).toBe('Cloud Platform Team');
    expect(stored[`Cluster:${clusterRow.id}`]?.region).toBe('Busan');
    // The same entries: the payload found its object by key, nothing was added beside it.
    expect(entryKeys()).toEqual(keysBefore);

    // The dashboard, read back from the cache alone, sees the change.
    const fromCache = client.readQuery({ query: DASHBOARD })!;
    expect(nodesOf(fromCache.workspaces).find((item) => item.id === workspace.id)?.name).toBe('Cloud Platform Team');
    expect(fromCache.clusters.find((item) => item.id === clusterRow.id)?.region).toBe('Busan');
  });
});
