import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { goYamlSyntaxError } from './yaml-syntax-errors.js';

/** The first syntax error in `text`, worded by goYamlSyntaxError. */
function firstError(text: string): string {
  const error = parseAllDocuments(text, { prettyErrors: true }).flatMap((doc) => doc.errors)[0];
  if (!error) throw new Error('no syntax error');
  return goYamlSyntaxError(text, error);
}

const pod = 'apiVersion: v1\nkind: Pod\n';

// What kubectl 1.32 (go-yaml) prints after `error converting YAML to JSON: yaml: ` for each.
describe("YAML syntax errors in go-yaml's words", () => {
  it.each([
    ['a value that is itself a mapping', `${pod}metadata:\n  name: a: b\n`, 'line 4: mapping values are not allowed in this context'],
    ['a key indented under a scalar', `${pod}metadata:\n  name: x\n   labels: y\n`, 'line 5: mapping values are not allowed in this context'],
    ['a tab as indentation', `${pod}metadata:\n\tname: x\n`, 'line 4: found character that cannot start any token'],
    ['an unterminated quote', `${pod}metadata:\n  name: "x\n`, 'line 5: found unexpected end of stream'],
    ['an unclosed flow sequence', `${pod}args: [a, b\nkind: c\n`, "line 4: did not find expected ',' or ']'"],
    ['a sequence less indented than its key (parser error: the line before)', `${pod}spec:\n    containers:\n  - name: x\n`, 'line 4: did not find expected key'],
  ])('%s', (_name, text, expected) => {
    expect(firstError(text)).toBe(expected);
  });

  it('counts lines from the line after the `---` that starts the document', () => {
    const text = `${pod}metadata:\n  name: a\n---\n${pod}metadata:\n  name: a: b\n`;
    expect(firstError(text)).toBe('line 4: mapping values are not allowed in this context');
    expect(firstError(`---\n${pod}metadata:\n  name: a: b\n`)).toBe('line 4: mapping values are not allowed in this context');
  });

  it('does not take `--- text` or `----` for a document start', () => {
    expect(firstError(`a: |\n  x\n----\nb: c: d\n`)).toBe('line 4: mapping values are not allowed in this context');
  });
});
