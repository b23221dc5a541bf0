import { isJsonObject, type JsonObject } from './json.js';
import { ParameterProblem } from './parameters.js';
import { renderVersion, RENDER_LIMITS, type RenderableVersion } from './render.js';
import { checkReferences, parseTemplates, TemplateProblem } from './templates.js';
import { compileParameters } from './parameters.js';

const MANIFESTS = `
apiVersion: v1
kind: Service
metadata:
  name: \${{ params.name }}
spec:
  selector:
    app: \${{ params.name }}
  ports:
    - port: \${{ params.port }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: \${{ params.name }}
  labels: { app: "\${{ params.name }}" }
spec:
  replicas: \${{ params.replicas }}
  selector: { matchLabels: { app: "\${{ params.name }}" } }
  template:
    metadata: { labels: { app: "\${{ params.name }}" } }
    spec:
      containers:
        - name: web
          image: "\${{ params.image.repository }}:\${{ params.image.tag }}"
          env:
            - { name: PORT, value: "\${{ params.port | string }}" }
            - { name: DEBUG, value: "\${{ params.debug | string }}" }
          resources: \${{ params.resources }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: \${{ params.name }}-config
data:
  workflow.yml: "run: $\${{ github.sha }}"
`;

const SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 40, default: 'web' },
    port: { type: 'integer', default: 8080 },
    replicas: { type: 'integer', minimum: 0, default: 2 },
    debug: { type: 'boolean', default: false },
    image: {
      type: 'object',
      default: {},
      properties: { repository: { type: 'string', maxLength: 200, default: 'nginx' }, tag: { type: 'string', maxLength: 100, default: '1.27' } },
    },
    resources: { type: 'object', default: { requests: { cpu: '100m' } } },
  },
};

function version(manifests = MANIFESTS, parametersSchema: unknown = SCHEMA): RenderableVersion {
  const { documents } = parseTemplates(manifests);
  checkReferences(documents, compileParameters(parametersSchema).declares);
  return { templates: documents, parametersSchema };
}

function thrown<T extends Error>(type: new (...args: never[]) => T, work: () => unknown): T {
  try {
    work();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error('nothing thrown');
}

describe('rendering a package version', () => {
  test('whole-value placeholders keep their type; text placeholders make text; objects are in apply order', () => {
    const rendering = renderVersion(version(), { replicas: 3, image: { tag: '1.27.2' } });
    expect(rendering.values).toEqual({
      name: 'web',
      port: 8080,
      replicas: 3,
      debug: false,
      image: { repository: 'nginx', tag: '1.27.2' },
      resources: { requests: { cpu: '100m' } },
    });
    expect(rendering.objects.map((object) => `${object.kind}/${object.name}`)).toEqual(['ConfigMap/web-config', 'Service/web', 'Deployment/web']);
    const deployment = rendering.objects[2]!.manifest as JsonObject & { spec: { replicas: unknown; template: { spec: { containers: JsonObject[] } } } };
    expect(deployment.spec.replicas).toBe(3);
    const container = deployment.spec.template.spec.containers[0]!;
    expect(container.image).toBe('nginx:1.27.2');
    expect(container.env).toEqual([
      { name: 'PORT', value: '8080' },
      { name: 'DEBUG', value: 'false' },
    ]);
    expect(container.resources).toEqual({ requests: { cpu: '100m' } });
    expect((rendering.objects[1]!.manifest.spec as JsonObject).ports).toEqual([{ port: 8080 }]);
    expect((rendering.objects[0]!.manifest.data as JsonObject)['workflow.yml']).toBe('run: ${{ github.sha }}');
  });

  test('deterministic: the same version and values give the same bytes; nothing is shared with the values', () => {
    const values = { resources: { limits: { memory: '1Gi' } } };
    const first = renderVersion(version(), values);
    const second = renderVersion(version(), JSON.parse(JSON.stringify(values)) as unknown);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    const resources = (first.objects[2]!.manifest.spec as { template: { spec: { containers: JsonObject[] } } }).template.spec.containers[0]!.resources as JsonObject;
    resources.changed = true;
    expect(values.resources).toEqual({ limits: { memory: '1Gi' } });
  });

  test('values that break the schema, or a missing required parameter, are named', () => {
    expect(thrown(ParameterProblem, () => renderVersion(version(), { replicas: -1 }))).toMatchObject({ path: 'replicas' });
    const required = { ...SCHEMA, required: ['secret'], properties: { ...SCHEMA.properties, secret: { type: 'string', maxLength: 50 } } };
    expect(thrown(ParameterProblem, () => renderVersion(version(MANIFESTS, required), {}))).toMatchObject({ path: 'secret', reason: 'missing required parameter secret' });
  });

  test('an optional parameter without a value, used by a template, is named with its document and path', () => {
    const schema = { type: 'object', properties: { name: { type: 'string', maxLength: 40 } } };
    const problem = thrown(TemplateProblem, () => renderVersion(version('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${{ params.name }}\n', schema), {}));
    expect(problem).toMatchObject({ document: 1, path: 'metadata.name' });
    expect(problem.message).toMatch(/params\.name has no value/);
  });

  test('rendered manifests are checked: names, labels, env values and ConfigMap data', () => {
    const bad = (values: unknown) => thrown(TemplateProblem, () => renderVersion(version(), values));
    expect(bad({ name: 'Not_A_Name' })).toMatchObject({ document: 1, path: 'metadata.name' });
    expect(bad({ name: '9web' }).message).toMatch(/Service name/);
    const envProblem = thrown(TemplateProblem, () =>
      renderVersion(
        version(
          'apiVersion: batch/v1\nkind: Job\nmetadata: { name: j }\nspec:\n  template:\n    spec:\n      containers: [{ name: c, image: busybox, env: [{ name: COUNT, value: "${{ params.n }}" }] }]\n',
          {
            type: 'object',
            properties: { n: { type: 'integer', default: 1 } },
          },
        ),
        {},
      ),
    );
    expect(envProblem).toMatchObject({ document: 1, path: 'spec.template.spec.containers[0].env[0].value' });
    expect(envProblem.message).toMatch(/\| string/);
  });

  test('two templates that render the same kind and name are refused', () => {
    const twice = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: "${{ params.n }}" }\n';
    expect(() => renderVersion(version(twice, { type: 'object', properties: { n: { type: 'string', maxLength: 9, default: 'a' } } }), {})).toThrow(/also rendered by document 1/);
  });

  test('placeholders repeating a large value cannot blow the output up', () => {
    const keys = Array.from({ length: 100 }, (_, index) => `  k${index}: \${{ params.blob }}`).join('\n');
    const blowUp = version(`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: big }\ndata:\n${keys}\n`, {
      type: 'object',
      properties: { blob: { type: 'string', maxLength: 70000 } },
    });
    expect(() => renderVersion(blowUp, { blob: 'x'.repeat(60_000) })).toThrow(`exceed ${RENDER_LIMITS.maxRenderedBytes / (1024 * 1024)} MiB`);
  });

  test('a value with __proto__ or constructor reaches no prototype', () => {
    const schema = { type: 'object', properties: { labels: { type: 'object', default: {} } } };
    const polluting = version('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations: ${{ params.labels }}\n', schema);
    expect(() => renderVersion(polluting, JSON.parse('{"labels": {"__proto__": {"polluted": "yes"}}}'))).toThrow(ParameterProblem);
    const rendered = renderVersion(polluting, { labels: { constructor: 'x' } });
    expect(isJsonObject(rendered.objects[0]!.manifest.metadata) && Object.hasOwn(rendered.objects[0]!.manifest.metadata.annotations as object, 'constructor')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
