/**
 * A test-only renderer for the small subset of Helm's Go templates that deploy/helm/kda-gateway
 * uses, because Helm itself is not installable where the tests run. It knows:
 *
 * - text with `{{ }}` actions, `{{-`/`-}}` whitespace trimming, `{{/* comments *\/}}`;
 * - `.`, `$`, field paths (`.Values.a.b`, `$.Release.Name`), string, number and boolean literals,
 *   pipelines (`x | f a`) and parenthesized sub-pipelines;
 * - `if` / `else if` / `else`, `with` (and its `else`), `define` with `include`;
 * - the functions default, required, quote, toYaml, indent, nindent, printf (%s %d %v), trunc,
 *   trimSuffix, contains, not, and, or, eq.
 *
 * Anything else (variables, `range`, `template`, other functions, a missing key in the values, a map
 * printed without toYaml) throws a TemplateError naming the file and line, so the chart cannot
 * silently rely on something this renderer would get wrong. It is stricter than Helm on missing
 * keys on purpose: values.yaml must list every key the templates read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

type Value = unknown;
type Json = Record<string, unknown>;

interface Where {
  readonly file: string;
  readonly line: number;
}

type Operand =
  | { readonly kind: 'literal'; readonly value: Value }
  | { readonly kind: 'field'; readonly fromRoot: boolean; readonly path: readonly string[] }
  | { readonly kind: 'function'; readonly name: string }
  | { readonly kind: 'pipeline'; readonly pipeline: Pipeline };
type Command = readonly Operand[];
type Pipeline = readonly Command[];

type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'action'; readonly pipeline: Pipeline; readonly where: Where }
  | {
      readonly kind: 'if';
      readonly branches: ReadonlyArray<{ readonly condition: Pipeline; readonly body: readonly Node[] }>;
      readonly otherwise: readonly Node[];
      readonly where: Where;
    }
  | { readonly kind: 'with'; readonly pipeline: Pipeline; readonly body: readonly Node[]; readonly otherwise: readonly Node[]; readonly where: Where };

interface RawAction {
  readonly kind: 'action';
  readonly content: string;
  readonly where: Where;
}
type Piece = { readonly kind: 'text'; readonly text: string } | RawAction;

const FUNCTIONS = new Set(['default', 'required', 'quote', 'toYaml', 'indent', 'nindent', 'printf', 'trunc', 'trimSuffix', 'contains', 'not', 'and', 'or', 'eq', 'include']);
const WHITESPACE = /[ \t\r\n]/;

function fail(where: Where, message: string): never {
  throw new TemplateError(`${where.file}:${where.line}: ${message}`);
}

/** Splits a template into text and actions, applying the trim markers. */
function split(source: string, file: string): Piece[] {
  const pieces: Piece[] = [];
  let position = 0;
  let trimNext = false;
  while (position <= source.length) {
    const open = source.indexOf('{{', position);
    let text = source.slice(position, open === -1 ? source.length : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    if (open === -1) {
      pieces.push({ kind: 'text', text });
      break;
    }
    const where = { file, line: source.slice(0, open).split('\n').length };
    let start = open + 2;
    if (source[start] === '-' && WHITESPACE.test(source[start + 1] ?? '')) {
      text = text.replace(/[ \t\r\n]+$/, '');
      start += 2;
    }
    pieces.push({ kind: 'text', text });
    const close = closingBraces(source, start, where);
    let end = close;
    trimNext = false;
    if (source[close - 1] === '-' && WHITESPACE.test(source[close - 2] ?? '')) {
      trimNext = true;
      end = close - 2;
    }
    pieces.push({ kind: 'action', content: source.slice(start, end).trim(), where });
    position = close + 2;
  }
  return pieces;
}

/** Where the action opened before `from` ends, skipping `}}` inside string literals and comments. */
function closingBraces(source: string, from: number, where: Where): number {
  let index = from;
  while (index < source.length) {
    const char = source[index];
    if (source.startsWith('/*', index)) {
      const end = source.indexOf('*/', index + 2);
      if (end === -1) fail(where, 'unclosed comment');
      index = end + 2;
    } else if (char === '"' || char === '`') {
      index += 1;
      while (index < source.length && source[index] !== char) index += char === '"' && source[index] === '\\' ? 2 : 1;
      index += 1;
    } else if (source.startsWith('}}', index)) return index;
    else index += 1;
  }
  fail(where, 'unclosed action');
}

type Token = { readonly kind: 'string' | 'number' | 'bool' | 'field' | 'identifier' | 'pipe' | 'open' | 'close'; readonly text: string; readonly value?: Value };

function tokenize(content: string, where: Where): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < content.length) {
    const rest = content.slice(index);
    const space = /^[ \t\r\n]+/.exec(rest);
    if (space !== null) {
      index += space[0].length;
      continue;
    }
    const string = /^"(?:[^"\\]|\\.)*"/.exec(rest);
    const raw = /^`[^`]*`/.exec(rest);
    const number = /^-?\d+(?:\.\d+)?(?![\w.])/.exec(rest);
    const field = /^(?:\$(?:\.[A-Za-z_]\w*)*|\.(?:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)?)(?![\w$])/.exec(rest);
    const identifier = /^[A-Za-z_]\w*/.exec(rest);
    if (string !== null) tokens.push({ kind: 'string', text: string[0], value: JSON.parse(string[0]) as string });
    else if (raw !== null) tokens.push({ kind: 'string', text: raw[0], value: raw[0].slice(1, -1) });
    else if (number !== null) tokens.push({ kind: 'number', text: number[0], value: Number(number[0]) });
    else if (field !== null) tokens.push({ kind: 'field', text: field[0] });
    else if (identifier !== null) {
      const word = identifier[0];
      tokens.push(word === 'true' || word === 'false' ? { kind: 'bool', text: word, value: word === 'true' } : { kind: 'identifier', text: word });
    } else if (rest[0] === '|') tokens.push({ kind: 'pipe', text: '|' });
    else if (rest[0] === '(') tokens.push({ kind: 'open', text: '(' });
    else if (rest[0] === ')') tokens.push({ kind: 'close', text: ')' });
    else fail(where, `unsupported syntax at ${JSON.stringify(rest.slice(0, 20))} (variables, assignments and other Go template syntax are not in the chart's subset)`);
    index += tokens[tokens.length - 1]!.text.length;
  }
  return tokens;
}

function parsePipeline(tokens: Token[], where: Where): Pipeline {
  let index = 0;
  const pipeline = (): Command[] => {
    const commands: Command[] = [];
    let command: Operand[] = [];
    while (index < tokens.length && tokens[index]!.kind !== 'close') {
      const token = tokens[index]!;
      index += 1;
      if (token.kind === 'pipe') {
        if (command.length === 0) fail(where, 'empty command in pipeline');
        commands.push(command);
        command = [];
      } else if (token.kind === 'open') {
        const inner = pipeline();
        if (tokens[index]?.kind !== 'close') fail(where, 'unclosed parenthesis');
        index += 1;
        command.push({ kind: 'pipeline', pipeline: inner });
      } else if (token.kind === 'field') {
        const fromRoot = token.text.startsWith('$');
        command.push({
          kind: 'field',
          fromRoot,
          path: token.text
            .replace(/^\$/, '')
            .split('.')
            .filter((part) => part !== ''),
        });
      } else if (token.kind === 'identifier') {
        if (!FUNCTIONS.has(token.text)) fail(where, `function "${token.text}" is not in the chart's template subset`);
        if (command.length > 0) fail(where, `function "${token.text}" used as an argument: wrap it in parentheses`);
        command.push({ kind: 'function', name: token.text });
      } else command.push({ kind: 'literal', value: token.value });
    }
    if (command.length === 0) fail(where, 'empty pipeline');
    commands.push(command);
    return commands;
  };
  const result = pipeline();
  if (index !== tokens.length) fail(where, 'unexpected ")"');
  return result;
}

interface Parsed {
  readonly nodes: Node[];
  readonly defines: Map<string, Node[]>;
}

/** Builds the node tree; `define` bodies go to `defines`. */
function parse(pieces: Piece[]): Parsed {
  const defines = new Map<string, Node[]>();
  let index = 0;
  type Stop = { readonly keyword: 'end' | 'else' | 'elseif' | 'eof'; readonly condition?: Pipeline; readonly where?: Where };
  const list = (): { nodes: Node[]; stop: Stop } => {
    const nodes: Node[] = [];
    while (index < pieces.length) {
      const piece = pieces[index]!;
      index += 1;
      if (piece.kind === 'text') {
        if (piece.text !== '') nodes.push({ kind: 'text', text: piece.text });
        continue;
      }
      const { content, where } = piece;
      const [word = '', ...restWords] = content.split(/\s+/);
      const rest = content.slice(word.length).trim();
      if (content.startsWith('/*')) {
        if (!content.endsWith('*/')) fail(where, 'a comment must be the whole action');
      } else if (word === 'end') {
        if (restWords.length > 0) fail(where, 'unexpected words after end');
        return { nodes, stop: { keyword: 'end', where } };
      } else if (word === 'else') {
        if (rest === '') return { nodes, stop: { keyword: 'else', where } };
        if (!rest.startsWith('if ')) fail(where, `"else ${rest.split(/\s+/)[0] ?? ''}" is not in the chart's template subset`);
        return { nodes, stop: { keyword: 'elseif', condition: parsePipeline(tokenize(rest.slice(3), where), where), where } };
      } else if (word === 'if') {
        const branches = [{ condition: parsePipeline(tokenize(rest, where), where), body: [] as Node[] }];
        let otherwise: Node[] = [];
        for (;;) {
          const inner = list();
          branches[branches.length - 1]!.body = inner.nodes;
          if (inner.stop.keyword === 'elseif') branches.push({ condition: inner.stop.condition!, body: [] });
          else if (inner.stop.keyword === 'else') {
            const last = list();
            if (last.stop.keyword !== 'end') fail(where, 'if: expected end after else');
            otherwise = last.nodes;
            break;
          } else if (inner.stop.keyword === 'end') break;
          else fail(where, 'if without end');
        }
        nodes.push({ kind: 'if', branches, otherwise, where });
      } else if (word === 'with') {
        const pipeline = parsePipeline(tokenize(rest, where), where);
        const body = list();
        let otherwise: Node[] = [];
        if (body.stop.keyword === 'else') {
          const last = list();
          if (last.stop.keyword !== 'end') fail(where, 'with: expected end after else');
          otherwise = last.nodes;
        } else if (body.stop.keyword !== 'end') fail(where, 'with without end');
        nodes.push({ kind: 'with', pipeline, body: body.nodes, otherwise, where });
      } else if (word === 'define') {
        const name = /^"([^"]+)"$/.exec(rest)?.[1];
        if (name === undefined) fail(where, 'define needs one quoted name');
        const body = list();
        if (body.stop.keyword !== 'end') fail(where, `define "${name}" without end`);
        if (defines.has(name)) fail(where, `template "${name}" is defined twice`);
        defines.set(name, body.nodes);
      } else if (['range', 'template', 'block', 'break', 'continue', 'tpl'].includes(word) || /^\$\w*\s*:?=/.test(content)) {
        fail(where, `"${word}" is not in the chart's template subset`);
      } else nodes.push({ kind: 'action', pipeline: parsePipeline(tokenize(content, where), where), where });
    }
    return { nodes, stop: { keyword: 'eof' } };
  };
  const top = list();
  if (top.stop.keyword !== 'eof') fail(top.stop.where!, `unexpected ${top.stop.keyword}`);
  return { nodes: top.nodes, defines };
}

/** Go template truth: false, 0, nil and empty strings, lists and maps are false. */
function truth(value: Value): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function text(value: Value, where: Where, what: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  fail(where, `${what}: a ${Array.isArray(value) ? 'list' : 'map'} cannot be printed as text; use toYaml`);
}

function printf(format: string, args: Value[], where: Where): string {
  let next = 0;
  return format.replace(/%([sdv%])/g, (_match, verb: string) => {
    if (verb === '%') return '%';
    if (next >= args.length) fail(where, `printf: missing argument for %${verb}`);
    const arg = args[next++];
    if (verb === 'd' && (typeof arg !== 'number' || !Number.isInteger(arg))) fail(where, `printf: %d of ${JSON.stringify(arg)}`);
    return text(arg, where, 'printf');
  });
}

export class ChartRenderer {
  private readonly defines = new Map<string, Node[]>();
  private readonly sources: ReadonlyMap<string, string>;

  /** `sources`: template file name → text; files starting with `_` only contribute defines. */
  constructor(sources: ReadonlyMap<string, string>) {
    this.sources = sources;
    for (const [file, source] of sources) {
      for (const [name, body] of parse(split(source, file)).defines) {
        if (this.defines.has(name)) throw new TemplateError(`${file}: template "${name}" is defined twice`);
        this.defines.set(name, body);
      }
    }
  }

  /** Every template that is not a helper (`_*`), rendered against `root` ({ Values, Release, Chart }). */
  render(root: Json): Map<string, string> {
    const out = new Map<string, string>();
    for (const [file, source] of this.sources) {
      if (file.startsWith('_')) continue;
      out.set(file, this.nodes(parse(split(source, file)).nodes, root, root));
    }
    return out;
  }

  private nodes(nodes: readonly Node[], dot: Value, root: Value): string {
    let out = '';
    for (const node of nodes) {
      if (node.kind === 'text') out += node.text;
      else if (node.kind === 'action') out += text(this.pipeline(node.pipeline, dot, root, node.where), node.where, 'output');
      else if (node.kind === 'if') {
        const branch = node.branches.find((candidate) => truth(this.pipeline(candidate.condition, dot, root, node.where)));
        out += this.nodes(branch?.body ?? node.otherwise, dot, root);
      } else {
        const value = this.pipeline(node.pipeline, dot, root, node.where);
        out += truth(value) ? this.nodes(node.body, value, root) : this.nodes(node.otherwise, dot, root);
      }
    }
    return out;
  }

  private pipeline(pipeline: Pipeline, dot: Value, root: Value, where: Where): Value {
    let piped: { value: Value } | undefined;
    for (const command of pipeline) {
      const [head, ...args] = command;
      if (head!.kind === 'function') {
        const values = args.map((operand) => this.operand(operand, dot, root, where));
        piped = { value: this.call(head!.name, piped === undefined ? values : [...values, piped.value], dot, where) };
      } else {
        if (args.length > 0 || piped !== undefined) fail(where, 'only a function can take arguments');
        piped = { value: this.operand(head!, dot, root, where) };
      }
    }
    return piped!.value;
  }

  private operand(operand: Operand, dot: Value, root: Value, where: Where): Value {
    switch (operand.kind) {
      case 'literal':
        return operand.value;
      case 'pipeline':
        return this.pipeline(operand.pipeline, dot, root, where);
      case 'function':
        return fail(where, `function "${operand.name}" used as a value`);
      case 'field': {
        let value: Value = operand.fromRoot ? root : dot;
        const walked: string[] = [];
        for (const key of operand.path) {
          if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(where, `nil pointer evaluating .${[...walked, key].join('.')}`);
          if (!Object.hasOwn(value, key)) fail(where, `missing key .${[...walked, key].join('.')} (add it to values.yaml)`);
          value = (value as Json)[key];
          walked.push(key);
        }
        return value;
      }
    }
  }

  private call(name: string, args: Value[], dot: Value, where: Where): Value {
    const arity = (count: number) => {
      if (args.length !== count) fail(where, `${name} takes ${count} argument${count === 1 ? '' : 's'}, got ${args.length}`);
    };
    const string = (value: Value, what: string): string => {
      if (typeof value !== 'string') fail(where, `${name}: ${what} must be a string, got ${JSON.stringify(value)}`);
      return value;
    };
    const count = (value: Value): number => {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) fail(where, `${name}: expected a whole number, got ${JSON.stringify(value)}`);
      return value;
    };
    switch (name) {
      case 'default':
        if (args.length !== 1 && args.length !== 2) fail(where, `default takes 1 or 2 arguments, got ${args.length}`);
        return args.length === 2 && truth(args[1]) ? args[1] : args[0];
      case 'required':
        arity(2);
        if (args[1] === null || args[1] === undefined || args[1] === '')
          throw new TemplateError(`execution error at (${where.file}:${where.line}): ${string(args[0], 'the message')}`);
        return args[1];
      case 'quote':
        return args
          .filter((arg) => arg !== null && arg !== undefined)
          .map((arg) => JSON.stringify(text(arg, where, 'quote')))
          .join(' ');
      case 'toYaml':
        arity(1);
        return stringifyYaml(args[0], { version: '1.1' }).replace(/\n$/, '');
      case 'indent':
      case 'nindent': {
        arity(2);
        const pad = ' '.repeat(count(args[0]));
        const indented = pad + string(args[1], 'the text').replaceAll('\n', `\n${pad}`);
        return name === 'nindent' ? `\n${indented}` : indented;
      }
      case 'printf':
        if (args.length === 0) fail(where, 'printf needs a format');
        return printf(string(args[0], 'the format'), args.slice(1), where);
      case 'trunc':
        arity(2);
        return string(args[1], 'the text').slice(0, count(args[0]));
      case 'trimSuffix': {
        arity(2);
        const suffix = string(args[0], 'the suffix');
        const value = string(args[1], 'the text');
        return suffix !== '' && value.endsWith(suffix) ? value.slice(0, -suffix.length) : value;
      }
      case 'contains':
        arity(2);
        return string(args[1], 'the text').includes(string(args[0], 'the part'));
      case 'not':
        arity(1);
        return !truth(args[0]);
      case 'and':
        if (args.length < 2) fail(where, 'and takes at least 2 arguments');
        return args.find((arg) => !truth(arg)) ?? args[args.length - 1];
      case 'or':
        if (args.length < 2) fail(where, 'or takes at least 2 arguments');
        return args.find((arg) => truth(arg)) ?? args[args.length - 1];
      case 'eq':
        if (args.length < 2) fail(where, 'eq takes at least 2 arguments');
        for (const arg of args) if (arg !== null && typeof arg === 'object') fail(where, 'eq compares strings, numbers and booleans only');
        return args.slice(1).some((arg) => arg === args[0]);
      case 'include': {
        arity(2);
        const body = this.defines.get(string(args[0], 'the template name'));
        if (body === undefined) fail(where, `no template named "${String(args[0])}"`);
        // As in Go templates, `$` inside the included template is the data it was given.
        return this.nodes(body, args[1], args[1]);
      }
      default:
        return fail(where, `function "${name}" is not in the chart's template subset`);
    }
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Helm's merge of `-f`/`--set` values over the chart's: maps merge key by key, anything else replaces. */
export function mergeValues(base: Json, override: Json): Json {
  const merged: Json = structuredClone(base);
  for (const [key, value] of Object.entries(override)) {
    merged[key] = isObject(value) && isObject(merged[key]) ? mergeValues(merged[key], value) : structuredClone(value);
  }
  return merged;
}

export interface Release {
  readonly name: string;
  readonly namespace: string;
}

export interface RenderedChart {
  /** One entry per YAML document of every manifest template, in file name order (empty documents dropped). */
  readonly documents: ReadonlyArray<{ readonly template: string; readonly yaml: string }>;
  readonly notes: string | undefined;
}

/** `helm template`: the chart in `chartDirectory` with its values.yaml, `overrides` merged over them. */
export function renderChart(chartDirectory: string, release: Release, overrides: Json = {}): RenderedChart {
  const chart = parseYaml(readFileSync(join(chartDirectory, 'Chart.yaml'), 'utf8')) as { name: string; version: string; appVersion?: string };
  const values = mergeValues(parseYaml(readFileSync(join(chartDirectory, 'values.yaml'), 'utf8')) as Json, overrides);
  const templates = join(chartDirectory, 'templates');
  const files = readdirSync(templates).sort();
  for (const file of files) {
    if (!/\.(ya?ml|tpl)$/.test(file) && file !== 'NOTES.txt') throw new TemplateError(`templates/${file}: not a template this renderer knows (.yaml, .tpl, NOTES.txt)`);
  }
  const renderer = new ChartRenderer(new Map(files.map((file) => [file, readFileSync(join(templates, file), 'utf8')])));
  const root = {
    Values: values,
    Release: { Name: release.name, Namespace: release.namespace, Service: 'Helm', IsInstall: true, IsUpgrade: false, Revision: 1 },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion ?? '' },
  };
  const rendered = renderer.render(root);
  const documents: Array<{ template: string; yaml: string }> = [];
  for (const [file, output] of rendered) {
    if (file === 'NOTES.txt') continue;
    for (const document of output.split(/^---\s*$/m)) {
      const meaningful = document.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('#'));
      if (meaningful) documents.push({ template: file, yaml: document.replace(/^\n+/, '') });
    }
  }
  return { documents, notes: rendered.get('NOTES.txt') };
}
