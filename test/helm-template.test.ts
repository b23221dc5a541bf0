/**
 * The test-only Go-template renderer the chart test relies on: it renders the subset the chart uses
 * as Helm does (trim markers, truth, pipelines, include, the functions), and fails loudly, with the
 * file and line, on anything outside that subset or on a value the chart does not define.
 */
import { ChartRenderer, mergeValues, TemplateError } from './support/helm-template.js';

const ROOT = { Values: { name: 'web', empty: '', list: [], map: { a: 1 }, flag: false, port: 8080, nested: { key: 'value' } }, Release: { Name: 'prod' } };

function render(template: string, helpers = ''): string {
  return new ChartRenderer(
    new Map([
      ['_helpers.tpl', helpers],
      ['t.yaml', template],
    ]),
  )
    .render(ROOT)
    .get('t.yaml')!;
}

describe('the chart test renderer', () => {
  it('trims whitespace around {{- and -}} and drops comments', () => {
    expect(render('a:\n  {{- /* gone */}}\n  b  {{- " c " -}}  \n d')).toBe('a:\n  b c d');
    expect(render('x {{ .Values.name }} y')).toBe('x web y');
  });

  it('takes branches by Go template truth, and with sets the dot', () => {
    const template = '{{ if .Values.empty }}a{{ else if .Values.list }}b{{ else if .Values.map }}c{{ else }}d{{ end }}';
    expect(render(template)).toBe('c');
    expect(render('{{ if not .Values.flag }}off{{ end }}')).toBe('off');
    expect(render('{{ with .Values.nested }}{{ .key }}-{{ $.Release.Name }}{{ end }}{{ with .Values.empty }}never{{ else }}none{{ end }}')).toBe('value-prodnone');
    expect(render('{{ if and .Values.name (or .Values.flag .Values.port) }}{{ eq .Values.port 8080 }}{{ end }}')).toBe('true');
  });

  it('runs pipelines through the functions as Helm does', () => {
    expect(render('{{ .Values.empty | default "fallback" | quote }} {{ default "x" .Values.name }}')).toBe('"fallback" web');
    expect(render('{{ printf "%s-%d" .Release.Name .Values.port | trunc 6 | trimSuffix "-" }}')).toBe('prod-8');
    expect(render('m:{{ toYaml .Values.map | nindent 2 }}\n{{ "a\\nb" | indent 3 }}')).toBe('m:\n  a: 1\n   a\n   b');
    expect(render('{{ toYaml .Values.nested }}')).toBe('key: value');
    expect(render('{{ contains "ro" .Release.Name }}')).toBe('true');
    expect(render('{{ include "greet" .Values.nested | quote }}', '{{- define "greet" -}}hi {{ .key }} {{ $.key }}{{- end }}')).toBe('"hi value value"');
  });

  it('quotes strings that YAML 1.1 would read as booleans when it prints YAML', () => {
    expect(render('{{ toYaml .Values.list }} {{ toYaml (default "off" .Values.empty) }}')).toBe('[] "off"');
  });

  it('fails, naming the file and line, on constructs outside the subset and on values that are missing', () => {
    const refused: Array<[string, RegExp]> = [
      ['{{ range .Values.list }}x{{ end }}', /t\.yaml:1: "range" is not in the chart's template subset/],
      ['{{ $x := 1 }}', /"\$x" is not in the chart's template subset|unsupported syntax/],
      ['\n{{ .Values.name | upper }}', /t\.yaml:2: function "upper" is not in the chart's template subset/],
      ['{{ .Values.nmae }}', /missing key \.Values\.nmae \(add it to values\.yaml\)/],
      ['{{ .Values.empty.key }}', /nil pointer evaluating \.Values\.empty\.key/],
      ['{{ .Values.map }}', /a map cannot be printed as text; use toYaml/],
      ['{{ include "nothing" . }}', /no template named "nothing"/],
      ['{{ if .Values.name }}open', /if without end/],
      ['{{ required "name it" .Values.empty }}', /execution error at \(t\.yaml:1\): name it/],
      ['{{ template "x" . }}', /"template" is not in the chart's template subset/],
    ];
    for (const [template, message] of refused) expect(() => render(template)).toThrow(message);
    expect(() => render('')).not.toThrow();
    expect(() => render('{{ .Values.name }}', '{{ define "a" }}{{ end }}{{ define "a" }}{{ end }}')).toThrow(TemplateError);
  });

  it('merges override values into the chart values as Helm does', () => {
    expect(mergeValues({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3] }, e: true })).toEqual({ a: { b: 1, c: [3] }, d: 'x', e: true });
  });
});
