import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';

// Fields given twice in one object of a request body. JSON.parse and YAML parsers keep the last
// value silently; Kubernetes' strict decoding names each duplicate (`duplicate field
// "spec.replicas"`), refused under fieldValidation=Strict and a warning under Warn.

function joinPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Walks JSON text once, keeping the keys seen in each open object. */
function jsonDuplicates(text: string): string[] {
  const found: string[] = [];
  const frames: { keys?: Set<string>; path: string; index: number }[] = [];
  let expectKey = false;
  let lastKey = '';
  const childPath = (): string => {
    const top = frames[frames.length - 1];
    if (!top) return '';
    return top.keys ? joinPath(top.path, lastKey) : `${top.path}[${top.index}]`;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        const top = frames[frames.length - 1]!;
        if (top.keys!.has(key)) found.push(`duplicate field "${joinPath(top.path, key)}"`);
        top.keys!.add(key);
        lastKey = key;
        expectKey = false;
      }
      i = end;
    } else if (c === '{') {
      frames.push({ keys: new Set(), path: childPath(), index: 0 });
      expectKey = true;
    } else if (c === '[') {
      frames.push({ path: childPath(), index: 0 });
    } else if (c === '}' || c === ']') {
      frames.pop();
    } else if (c === ',') {
      const top = frames[frames.length - 1];
      if (top?.keys) expectKey = true;
      else if (top) top.index++;
    }
  }
  return found;
}

function yamlDuplicates(node: YamlNode | null | undefined, path: string, found: string[]): void {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (seen.has(key)) found.push(`duplicate field "${joinPath(path, key)}"`);
      seen.add(key);
      yamlDuplicates(pair.value as YamlNode, joinPath(path, key), found);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => yamlDuplicates(item as YamlNode, `${path}[${i}]`, found));
  }
}

/** `duplicate field "<path>"` for each field given again in the same object; [] for a body that does not parse. */
export function duplicateFields(text: string, yaml: boolean): string[] {
  if (!yaml) return jsonDuplicates(text);
  const found: string[] = [];
  yamlDuplicates(parseDocument(text, { uniqueKeys: false }).contents, '', found);
  return found;
}
