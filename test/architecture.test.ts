import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The layout's rules (README "Layout", DESIGN.md), checked on the import statements of src/**.
 * Each rule names what it forbids; `violations` is also run on made-up imports below, so a rule
 * that silently stopped matching would fail here too.
 */
const root = path.resolve(import.meta.dirname, '..');

interface Import {
  /** Repository-relative, with forward slashes. */
  readonly from: string;
  /** The imported file, repository-relative; null for a package or node built-in. */
  readonly to: string | null;
  readonly specifier: string;
}

interface SourceFile {
  readonly file: string;
  readonly text: string;
}

function sourceFiles(directory: string): SourceFile[] {
  return readdirSync(path.join(root, directory), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => {
      const file = path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
      return { file, text: readFileSync(path.join(root, file), 'utf8') };
    });
}

function importsOf(source: SourceFile): Import[] {
  return ts.preProcessFile(source.text, true, true).importedFiles.map(({ fileName: specifier }) => ({
    from: source.file,
    specifier,
    to: specifier.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(source.file), specifier)).replace(/\.js$/, '.ts') : null,
  }));
}

const domainOf = (file: string): string | undefined => /^src\/domains\/([^/]+)\//.exec(file)?.[1];
/**
 * What the simulator may import besides itself: Kubernetes' label-selector grammar (shared on purpose,
 * so the gateway and the fake apiserver parse selectors alike; it knows nothing of the gateway), and
 * the helpers of its own tests, which import nothing of the gateway either.
 */
const SIMULATOR_MAY_IMPORT = new Set(['src/shared/label-selector.ts', 'test/support/simulator-helpers.ts']);
const ROLE_RULE_NAMES = /\b(ROLE_MATRIX|roleAllowsOn\w*)\b/;

export function violations(imports: readonly Import[], sources: readonly SourceFile[]): string[] {
  const found: string[] = [];
  for (const { from, to, specifier } of imports) {
    if (to === null) continue;
    const say = (rule: string) => found.push(`${from} imports ${specifier}: ${rule}`);
    if (from.startsWith('src/graphql/') && to.startsWith('src/infra/')) say('the GraphQL edge imports no infra (the composition root plugs it in)');
    const domain = domainOf(from);
    if (domain !== undefined) {
      const other = domainOf(to);
      if (other !== undefined && other !== domain) say(`domain ${domain} imports domain ${other} (name a port instead)`);
      if (to.startsWith('src/infra/')) say(`domain ${domain} imports an infra implementation (name a port instead)`);
      else if (other === undefined && !to.startsWith('src/shared/')) say(`domain ${domain} imports only itself and src/shared`);
    }
    if (from.startsWith('src/infra/') && /^src\/(graphql|wiring|demo|app\.ts|main\.ts)/.test(to))
      say('infra implements domain ports and knows nothing of the edge or the composition root');
    if (from.startsWith('src/simulator/') && !to.startsWith('src/simulator/') && !SIMULATOR_MAY_IMPORT.has(to)) say('the simulator imports nothing of the gateway');
  }
  for (const { file, text } of sources) {
    if (file.startsWith('src/domains/workspaces/')) continue;
    const match = ROLE_RULE_NAMES.exec(text);
    if (match !== null) found.push(`${file} uses ${match[1]}: role rules live in src/domains/workspaces; ask the access scope`);
  }
  return found;
}

describe('the layout rules', () => {
  const sources = sourceFiles('src');
  const imports = sources.flatMap(importsOf);

  test('reads the imports of every file under src', () => {
    expect(sources.length).toBeGreaterThan(100);
    expect(imports.filter((item) => item.to !== null).length).toBeGreaterThan(300);
  });

  test('hold in src', () => {
    expect(violations(imports, sources)).toEqual([]);
  });

  test('catch each kind of violation', () => {
    const made = (from: string, specifier: string): Import => importsOf({ file: from, text: `import { x } from '${specifier}';` })[0]!;
    const found = violations(
      [
        made('src/graphql/context.ts', '../infra/nats/subjects.js'),
        made('src/domains/builds/build-service.ts', '../workspaces/index.js'),
        made('src/domains/builds/build-service.ts', '../../infra/db/build-stores.js'),
        made('src/simulator/store.ts', '../shared/logger.js'),
        made('src/domains/builds/build-service.ts', './ports.js'),
        made('src/wiring/builds.ts', '../infra/db/build-stores.js'),
        made('src/domains/clusters/cluster-service.ts', '../../graphql/context.js'),
        made('src/infra/nats/build-event-source.ts', '../../graphql/shared-subscriptions.js'),
      ],
      [
        { file: 'src/wiring/builds.ts', text: "import { roleAllowsOnClusters } from '../domains/workspaces/permissions.js';" },
        { file: 'src/graphql/schema.ts', text: 'const admin = ROLE_MATRIX.MANAGER;' },
        { file: 'src/domains/workspaces/service.ts', text: 'ROLE_MATRIX' },
      ],
    );
    expect(found).toEqual([
      expect.stringContaining('the GraphQL edge imports no infra'),
      expect.stringContaining('domain builds imports domain workspaces'),
      expect.stringContaining('domain builds imports an infra implementation'),
      expect.stringContaining('the simulator imports nothing of the gateway'),
      expect.stringContaining('domain clusters imports only itself and src/shared'),
      expect.stringContaining('infra implements domain ports and knows nothing of the edge'),
      'src/wiring/builds.ts uses roleAllowsOnClusters: role rules live in src/domains/workspaces; ask the access scope',
      'src/graphql/schema.ts uses ROLE_MATRIX: role rules live in src/domains/workspaces; ask the access scope',
    ]);
  });
});
