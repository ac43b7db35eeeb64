/**
 * Kubernetes' `$(VAR)` expansion (third_party/forked/golang/expansion): a known name is replaced,
 * an unknown one is left as written, `$$` is a literal `$`, and an unclosed `$(` stays as is.
 */
type Mapping = (name: string) => string;

/** Looks a name up in each context in turn; unknown names expand to themselves. */
export function mappingFor(...contexts: Array<ReadonlyMap<string, string>>): Mapping {
  return (name) => {
    for (const context of contexts) {
      const value = context.get(name);
      if (value !== undefined) return value;
    }
    return `$(${name})`;
  };
}

export function expand(input: string, mapping: Mapping): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const { text, isVariable, advance } = readVariableName(input.slice(cursor + 1));
    out += isVariable ? mapping(text) : text;
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

function readVariableName(input: string): { text: string; isVariable: boolean; advance: number } {
  const first = input[0];
  if (first === '$') return { text: '$', isVariable: false, advance: 1 };
  if (first === '(') {
    const close = input.indexOf(')', 1);
    if (close >= 0) return { text: input.slice(1, close), isVariable: true, advance: close + 1 };
    return { text: '$(', isVariable: false, advance: 1 };
  }
  return { text: `$${first}`, isVariable: false, advance: 1 };
}
