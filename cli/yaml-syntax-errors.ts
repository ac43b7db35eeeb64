import type { YAMLError } from 'yaml';

// kubectl reads a file one YAML document at a time (a line `---` ends a document) and hands each
// to go-yaml, whose errors read `yaml: line 7: mapping values are not allowed in this context`:
// libyaml's words, no column, and the line counted from the start of that document. go-yaml
// counts lines from 1 for errors its scanner finds but from 0 for those its parser finds (the
// line before the offending token, as users of kubectl see it). The yaml package finds the same
// mistakes under its own codes; this turns them into what kubectl prints.

type Stage = 'scanner' | 'parser';

interface GoYamlError {
  message: string;
  stage: Stage;
  /** Where libyaml stops, from the yaml package's error offset in the text. */
  at: (text: string, offset: number) => number;
}

const atOffset = (_text: string, offset: number): number => offset;

/** The `:` that turns a plain scalar into a key where no key may start: libyaml stops there. */
function nextMappingColon(text: string, offset: number): number {
  const colon = /:(?=\s|$)/g;
  colon.lastIndex = offset;
  return colon.exec(text)?.index ?? offset;
}

/** The first non-blank character at or after `offset`: the token libyaml's parser rejects. */
function nextToken(text: string, offset: number): number {
  const token = /\S/g;
  token.lastIndex = offset;
  return token.exec(text)?.index ?? text.length;
}

const MAPPING_IN_SCALAR: GoYamlError = { message: 'mapping values are not allowed in this context', stage: 'scanner', at: nextMappingColon };

const BY_CODE: Record<string, GoYamlError> = {
  BLOCK_AS_IMPLICIT_KEY: MAPPING_IN_SCALAR,
  MULTILINE_IMPLICIT_KEY: MAPPING_IN_SCALAR,
  TAB_AS_INDENT: { message: 'found character that cannot start any token', stage: 'scanner', at: atOffset },
};

const atEnd = (text: string): number => text.length;

/** Mistakes the yaml package words in ways its codes alone do not tell apart. */
const BY_MESSAGE: Array<[RegExp, GoYamlError]> = [
  // A sequence entry less indented than the mapping it should belong to.
  [/block sequence may not be used as an implicit map key/i, { message: 'did not find expected key', stage: 'parser', at: nextToken }],
  // libyaml reads an unterminated quoted scalar or flow collection to the end of the stream.
  [/closing .?quote/i, { message: 'found unexpected end of stream', stage: 'scanner', at: atEnd }],
  [/^Flow sequence/, { message: "did not find expected ',' or ']'", stage: 'parser', at: atEnd }],
  [/^Flow mapping/, { message: "did not find expected ',' or '}'", stage: 'parser', at: atEnd }],
];

function goYamlError(error: YAMLError): GoYamlError | undefined {
  return BY_MESSAGE.find(([pattern]) => pattern.test(error.message))?.[1] ?? BY_CODE[error.code];
}

/** 0-based line of `offset` in `text`. */
function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** 0-based line of the `---` that starts the document holding `line`, or -1 for the first document. */
function separatorBefore(lines: string[], line: number): number {
  for (let i = line; i >= 0; i--) if (/^---(\s*(#.*)?)?$/.test(lines[i]!)) return i;
  return -1;
}

/** `line 7: mapping values are not allowed in this context`, as go-yaml words `error` in `text`. */
export function goYamlSyntaxError(text: string, error: YAMLError): string {
  const known = goYamlError(error);
  const stop = known ? known.at(text, error.pos[0]) : error.pos[0];
  const fileLine = lineOf(text, Math.min(stop, text.length));
  const documentLine = fileLine - separatorBefore(text.split('\n'), fileLine) - 1;
  const line = known?.stage === 'parser' ? documentLine : documentLine + 1;
  const message = known?.message ?? error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return line > 0 ? `line ${line}: ${message}` : message;
}
