import { parseTemplateString, PlaceholderSyntaxError, referencesIn } from './placeholders.js';

describe('placeholders', () => {
  test('a plain string has none (and costs no parsing)', () => {
    expect(parseTemplateString('nginx:1.27')).toBeNull();
    expect(parseTemplateString('${ HOME } {{ x }} $x')).toBeNull();
  });

  test('a whole-value placeholder, with or without spaces and the string filter', () => {
    expect(parseTemplateString('${{ params.replicas }}')).toEqual([{ parameter: { path: ['replicas'], asString: false, source: 'params.replicas' } }]);
    expect(parseTemplateString('${{params.db.port|string}}')).toEqual([{ parameter: { path: ['db', 'port'], asString: true, source: 'params.db.port' } }]);
  });

  test('placeholders inside text, in order', () => {
    expect(parseTemplateString('${{ params.image }}:${{ params.tag }}-x')).toEqual([
      { parameter: { path: ['image'], asString: false, source: 'params.image' } },
      { text: ':' },
      { parameter: { path: ['tag'], asString: false, source: 'params.tag' } },
      { text: '-x' },
    ]);
  });

  test('$${{ writes a literal ${{ (a GitHub Actions file in a ConfigMap stays as it is)', () => {
    expect(parseTemplateString('run: $${{ github.sha }}')).toEqual([{ text: 'run: ${{ github.sha }}' }]);
    expect(parseTemplateString('$${{ params.a }} ${{ params.b }}')).toEqual([{ text: '${{ params.a }} ' }, { parameter: { path: ['b'], asString: false, source: 'params.b' } }]);
  });

  test.each([
    ['${{ github.sha }}', /not a placeholder/],
    ['${{ params }}', /not a placeholder/],
    ['${{ params.a + 1 }}', /not a placeholder|not a parameter name/],
    ['${{ params.a | upper }}', /only filter is \| string/],
    ['${{ params.__proto__ }}', /not a parameter name/],
    ['${{ params.constructor }}', /not a parameter name/],
    ['${{ params.a', /unterminated/],
    [`\${{ params.${'a'.repeat(400)} }}`, /unterminated|not a parameter name/],
  ])('refuses %s', (input, message) => {
    expect(() => parseTemplateString(input)).toThrow(PlaceholderSyntaxError);
    expect(() => parseTemplateString(input)).toThrow(message);
  });

  test('referencesIn lists what a string refers to', () => {
    expect(referencesIn('postgres://${{ params.user }}@${{ params.host }}/db').map((reference) => reference.source)).toEqual(['params.user', 'params.host']);
    expect(referencesIn('plain')).toEqual([]);
  });
});
