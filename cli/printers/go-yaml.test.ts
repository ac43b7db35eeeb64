import { describe, expect, it } from 'vitest';
import type { JsonValue } from './go-values.js';
import { goYAML, goYamlKeyOrder } from './go-yaml.js';

// Expected texts are what kubectl 1.32 printed for `kubectl create configmap q --from-literal=...
// --dry-run=client -o yaml` with these values.

describe('goYAML', () => {
  it('quotes strings as go-yaml does: double for other types, single for syntax, blocks for lines', () => {
    const document = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "q", "creationTimestamp": null}, "data": {"k0": "on", "k1": "yes", "k10": "a: b", "k11": " lead", "k12": "trail ", "k13": "multi\nline", "k14": "multi\nline\n", "k15": "~", "k16": "null", "k17": "0x10", "k18": "1e3", "k19": "-", "k2": "no", "k20": "#x", "k21": "a #b", "k22": "2026-01-01", "k23": "12:30", "k24": "0755", "k25": "+1", "k26": ".5", "k27": "NaN", "k28": ".inf", "k29": "@x", "k3": "off", "k30": "`x", "k31": "*x", "k32": "&x", "k33": "!x", "k34": "%x", "k35": "{x", "k36": "[x", "k37": "|x", "k38": ">x", "k39": "'x", "k4": "y", "k40": "\"x", "k41": "x\"", "k42": "\u00e9", "k43": "tab\tx", "k44": "1_000", "k45": "Yes", "k46": "ON", "k47": "True", "k48": "-1", "k49": "1:2", "k5": "n", "k50": "a,b", "k51": "?x", "k52": "? x", "k53": "x:", "k54": "- x", "k55": "a: ", "k56": "trailing\n\n", "k57": " lead\nline", "k6": "true", "k7": "123", "k8": "1.0", "k9": ""}};
    expect(goYAML(document)).toBe("apiVersion: v1\ndata:\n  k0: \"on\"\n  k1: \"yes\"\n  k2: \"no\"\n  k3: \"off\"\n  k4: \"y\"\n  k5: \"n\"\n  k6: \"true\"\n  k7: \"123\"\n  k8: \"1.0\"\n  k9: \"\"\n  k10: 'a: b'\n  k11: ' lead'\n  k12: 'trail '\n  k13: |-\n    multi\n    line\n  k14: |\n    multi\n    line\n  k15: \"~\"\n  k16: \"null\"\n  k17: \"0x10\"\n  k18: \"1e3\"\n  k19: '-'\n  k20: '#x'\n  k21: 'a #b'\n  k22: \"2026-01-01\"\n  k23: \"12:30\"\n  k24: \"0755\"\n  k25: \"+1\"\n  k26: \".5\"\n  k27: NaN\n  k28: \".inf\"\n  k29: '@x'\n  k30: '`x'\n  k31: '*x'\n  k32: '&x'\n  k33: '!x'\n  k34: '%x'\n  k35: '{x'\n  k36: '[x'\n  k37: '|x'\n  k38: '>x'\n  k39: '''x'\n  k40: '\"x'\n  k41: x\"\n  k42: \u00e9\n  k43: \"tab\\tx\"\n  k44: \"1_000\"\n  k45: \"Yes\"\n  k46: \"ON\"\n  k47: \"True\"\n  k48: \"-1\"\n  k49: \"1:2\"\n  k50: a,b\n  k51: ?x\n  k52: '? x'\n  k53: 'x:'\n  k54: '- x'\n  k55: 'a: '\n  k56: |+\n    trailing\n\n  k57: |2-\n     lead\n    line\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: q\n");
  });

  it('folds long lines after column 80, escapes what is not printable, marks literal blocks', () => {
    const document = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "q", "creationTimestamp": null}, "data": {"cr": "a\rb", "dq": "x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x \"q\"  end y y y y y y y y y y y y y y y y y y y y y y y y y y y y y y", "emoji": "a\ud83d\ude00b", "lit": "- x\n  y\n", "long": "word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word end", "nbsp": "a\u00a0b", "sq": "'x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x end", "t1": "~", "t10": "\n", "t11": "a\n\n", "t12": "a:b", "t13": "#", "t14": "a#", "t15": "---x", "t16": "x---", "t17": "-x", "t18": ":x", "t19": ".", "t2": "<<", "t20": "+", "t21": "1.", "t22": "0x1p-2", "t23": "-.5e3", "t24": "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz tail", "t3": "+inf", "t4": "0o17", "t5": "1e400", "t6": "2026-13-01", "t7": "2026-01-01T10:00:00Z", "t8": "08", "t9": "0b101"}};
    expect(goYAML(document)).toBe("apiVersion: v1\ndata:\n  cr: \"a\\rb\"\n  dq: x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x \"q\"  end y y y y\n    y y y y y y y y y y y y y y y y y y y y y y y y y y\n  emoji: \"a\\U0001F600b\"\n  lit: |\n    - x\n      y\n  long: word word word word word word word word word word word word word word word\n    word word word word word word word word word word word word word word word word\n    word word word word word word word word word end\n  nbsp: a\u00a0b\n  sq: '''x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x\n    x x x end'\n  t1: \"~\"\n  t2: <<\n  t3: +inf\n  t4: \"0o17\"\n  t5: 1e400\n  t6: 2026-13-01\n  t7: \"2026-01-01T10:00:00Z\"\n  t8: \"08\"\n  t9: \"0b101\"\n  t10: |2+\n\n  t11: |+\n    a\n\n  t12: a:b\n  t13: '#'\n  t14: a#\n  t15: '---x'\n  t16: x---\n  t17: -x\n  t18: :x\n  t19: .\n  t20: +\n  t21: \"1.\"\n  t22: 0x1p-2\n  t23: \"-.5e3\"\n  t24: zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\n    tail\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: q\n");
  });

  it('lays out nested maps and lists as kubectl does', () => {
    const document: JsonValue = { a: [{ b: 1, c: [] }, [1, 'x'], {}], d: { e: null, f: true, g: [[]] }, h: 1.5, i: 1e-7 };
    expect(goYAML(document)).toBe('a:\n- b: 1\n  c: []\n- - 1\n  - x\n- {}\nd:\n  e: null\n  f: true\n  g:\n  - []\nh: 1.5\ni: 1e-07\n');
    expect(goYAML({})).toBe('{}\n');
  });
});

describe('goYamlKeyOrder', () => {
  it('puts non-letters before letters and compares numbers by value', () => {
    // kubectl 1.32's order of these keys.
    const order = ['_a', '0', '9', '10', 'A_', 'Zz', 'a-b', 'a.b', 'a_b', 'a0', 'a00', 'a9', 'a09', 'a010', 'aB', 'ab'];
    expect(goYamlKeyOrder([...order].reverse())).toEqual(order);
    expect(goYamlKeyOrder(['b12', 'b1_', 'c10', 'c1_', 'd2b', 'd20', 'e0b', 'e00'])).toEqual(['b1_', 'b12', 'c1_', 'c10', 'd20', 'd2b', 'e00', 'e0b']);
  });
});
