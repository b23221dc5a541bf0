import { parseAllDocuments } from 'yaml';
import { compileParameters } from './parameters.js';
import { checkReferences, parseTemplates, TEMPLATE_LIMITS, TemplateProblem, templatesToYaml } from './templates.js';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx:1.27
`;

function problem(yamlText: string): TemplateProblem {
  try {
    parseTemplates(yamlText);
  } catch (error) {
    if (error instanceof TemplateProblem) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('importing manifests', () => {
  test('several documents; empty ones and comments are skipped; YAML 1.1 as kubectl reads it', () => {
    const { documents } = parseTemplates(
      `# a comment\n---\n${DEPLOYMENT}---\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: s }\nstringData: { enabled: "yes" }\ndata: {}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { mode: "0644" }\n`,
    );
    expect(documents.map((document) => document.kind)).toEqual(['Deployment', 'Secret', 'ConfigMap']);
    const octal = parseTemplates(
      'apiVersion: batch/v1\nkind: Job\nmetadata: { name: j }\nspec: { template: { spec: { volumes: [{ name: v, secret: { defaultMode: 0644 } }] } } }\n',
    );
    expect(JSON.stringify(octal.documents[0])).toContain('"defaultMode":420');
  });

  test('kubectl get -o yaml output: server fields, namespaces and List wrappers are dropped, with warnings', () => {
    const { documents, warnings } = parseTemplates(`apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: c
      namespace: shop
      uid: 7d0f
      resourceVersion: "12"
      creationTimestamp: "2024-01-01T00:00:00Z"
      annotations:
        kubectl.kubernetes.io/last-applied-configuration: "{}"
    data: { a: b }
`);
    expect(documents).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } }]);
    expect(warnings).toEqual([expect.stringMatching(/document 1 item 1: dropped metadata.uid, metadata.resourceVersion, metadata.creationTimestamp, metadata.namespace/)]);
  });

  test.each([
    ['a: [1, 2\nb: 3', 1, /line 2/],
    ['apiVersion: v1\nkind: ConfigMap\nkind: Secret\n', 1, /unique/],
    ['- 1\n- 2\n', 1, /not a manifest/],
    ['apiVersion: v1\nkind: Pod\nmetadata: { name: p }\n', 1, /Pod is not allowed in a package: use Deployment, StatefulSet/],
    ['apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: admin }\n', 1, /ClusterRole is not allowed/],
    ['apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: { name: d }\n', 1, /Deployment must be apps\/v1/],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n', 1, /metadata.name: is missing/],
    [`${DEPLOYMENT}---\napiVersion: v1\nkind: Service\n`, 2, /metadata.name: is missing/],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { at: !!binary aGVsbG8= }\n', 1, /Unresolved tag/],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { when: 2024-01-01 }\n', null, null],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { n: .inf }\n', 1, /Infinity is not a JSON number/],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n__proto__: { polluted: 1 }\n', 1, /__proto__ is not allowed/],
    ['', null, /holds no manifest/],
    ['# only a comment\n', null, /holds no manifest/],
  ])('refuses %j naming document %s', (yamlText, document, message) => {
    if (message === null) {
      // A date stays text: timestamps are not resolved.
      expect(parseTemplates(yamlText).documents[0]!.data).toEqual({ when: '2024-01-01' });
      return;
    }
    const found = problem(yamlText);
    expect(found.document).toBe(document);
    expect(found.message).toMatch(message);
  });

  test('an alias bomb is refused quickly, not expanded', () => {
    const bomb = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: { name: lol }', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [index, name] of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].entries())
      bomb.push(
        `${name}: &${name} [${Array(9)
          .fill(`*${index === 0 ? 'a' : ['b', 'c', 'd', 'e', 'f', 'g', 'h'][index - 1]}`)
          .join(',')}]`,
      );
    expect(problem(bomb.join('\n')).message).toMatch(/alias/i);
    // A few aliases are fine (they are copied out).
    const { documents } = parseTemplates('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, labels: &l { app: c } }\ndata: { x: y }\nextra: *l\n');
    expect(documents[0]!.extra).toEqual({ app: 'c' });
  });

  test('huge inputs, deep nests and too many documents are refused', () => {
    expect(problem(`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { a: "${'x'.repeat(TEMPLATE_LIMITS.maxYamlBytes)}" }\n`).message).toMatch(/larger than 512 KiB/);
    expect(problem(`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndeep: ${'['.repeat(100)}${']'.repeat(100)}\n`).message).toMatch(/nested more than 64/);
    // Half a megabyte of brackets: refused before the parser recurses through them.
    expect(problem(`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndeep: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`).message).toMatch(/nested more than 256/);
    const many = Array.from({ length: TEMPLATE_LIMITS.maxDocuments + 1 }, (_, index) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c${index} }\n`).join('---\n');
    expect(problem(many).message).toMatch(/at most 100/);
  });

  test('placeholders: only declared parameters, never in keys, apiVersion or kind', () => {
    const declares = compileParameters({
      type: 'object',
      properties: { name: { type: 'string', maxLength: 9 }, image: { type: 'object', properties: { tag: { type: 'string', maxLength: 9 } } } },
    }).declares;
    const check = (yamlText: string) => () => checkReferences(parseTemplates(yamlText).documents, declares);
    expect(check('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: "${{ params.name }}" }\ndata: { tag: "${{ params.image.tag }}" }\n')).not.toThrow();
    expect(check(`${DEPLOYMENT}---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { tag: "\${{ params.image.digest }}" }\n`)).toThrow(
      /document 2 \(ConfigMap c\) at data.tag: unknown parameter params.image.digest/,
    );
    expect(check('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { "${{ params.name }}": x }\n')).toThrow(/a key cannot hold a placeholder/);
    expect(check('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { x: "${{ nope }}" }\n')).toThrow(/not a placeholder/);
  });

  test('export: the YAML re-imports to the same templates, byte for byte the same each time', () => {
    const source = `${DEPLOYMENT}---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata:\n  yes: "yes"\n  mode: "0644"\n  multi: "a\\nb"\n  empty: ""\n  tpl: "\${{ params.x }}"\n`;
    const { documents } = parseTemplates(source);
    const exported = templatesToYaml(documents);
    expect(parseTemplates(exported).documents).toEqual(documents);
    expect(templatesToYaml(parseTemplates(exported).documents)).toBe(exported);
    expect(parseAllDocuments(exported).length).toBe(2);
  });
});
