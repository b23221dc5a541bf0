import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { buildSchema } from 'graphql';
import { buildGatewaySchema, printGatewaySchema } from '../src/graphql/schema.js';
import { CHANGELOG_FILE, changelogSince, checkCompatibility, latestReleasedSchema, unlistedBreakingChanges } from '../scripts/schema-compatibility.js';

const RELEASED = buildSchema(`
  """Reads."""
  type Query {
    """A cluster."""
    cluster(id: ID!): Cluster
  }
  """A cluster."""
  type Cluster {
    """Its id."""
    id: ID!
    """Its name."""
    name: String!
    """When it was seen."""
    lastSeenAt: String
  }
`);
const CURRENT = buildSchema(`
  """Reads."""
  type Query {
    """A cluster."""
    cluster(id: ID!): Cluster
  }
  """A cluster."""
  type Cluster {
    """Its id."""
    id: ID!
    """When it was seen."""
    lastSeenAt: Int
    """Its region."""
    region: String
  }
`);

describe('schema compatibility (npm run schema:check)', () => {
  test('every breaking change since the last release is listed in CHANGELOG.md', async () => {
    const served = buildSchema(printGatewaySchema(await buildGatewaySchema()));
    const report = await checkCompatibility(served, await latestReleasedSchema(), await readFile(CHANGELOG_FILE, 'utf8'));
    expect(unlistedBreakingChanges(report).map((change) => `${change.path}: ${change.message}`)).toEqual([]);
  });

  test('reports breaking changes the changelog does not name, and accepts a field or its parent type', async () => {
    const baseline = { version: '1.0.0', schema: RELEASED };
    const silent = await checkCompatibility(CURRENT, baseline, '# Changelog\n\n## Unreleased\n\nNothing.\n');
    expect(
      unlistedBreakingChanges(silent)
        .map((change) => change.path)
        .sort(),
    ).toEqual(['Cluster.lastSeenAt', 'Cluster.name']);
    expect(silent.safe.map((change) => change.path)).toContain('Cluster.region');

    const listed = await checkCompatibility(CURRENT, baseline, '## Unreleased\n- Removed `Cluster.name`.\n- `Cluster.lastSeenAt` is an Int.\n');
    expect(unlistedBreakingChanges(listed)).toEqual([]);
    const byParent = await checkCompatibility(CURRENT, baseline, '## Unreleased\n- `Cluster` reshaped.\n');
    expect(unlistedBreakingChanges(byParent)).toEqual([]);
  });

  test('only entries newer than the baseline release count', async () => {
    const changelog = '## Unreleased\n- `Cluster.lastSeenAt` is an Int.\n\n## 1.0.0\n- `Cluster.name` (an old entry).\n';
    expect(changelogSince(changelog, '1.0.0')).not.toContain('Cluster.name');
    const report = await checkCompatibility(CURRENT, { version: '1.0.0', schema: RELEASED }, changelog);
    expect(unlistedBreakingChanges(report).map((change) => change.path)).toEqual(['Cluster.name']);
  });
});
