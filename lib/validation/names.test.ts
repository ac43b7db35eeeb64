import { describe, expect, it } from 'vitest';
import {
  inclusiveRangeError,
  isCIdentifier,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isInRange,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
  maxLenError,
  regexError,
} from './names.js';

const a = (n: number): string => 'a'.repeat(n);

// The message texts, exactly as a Kubernetes 1.34 apiserver prints them.
const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_LABEL_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('message helpers', () => {
  it('format like Kubernetes', () => {
    expect(maxLenError(63)).toBe('must be no more than 63 characters');
    expect(inclusiveRangeError(1, 65535)).toBe('must be between 1 and 65535, inclusive');
    expect(regexError('bad', 'x+')).toBe("bad (regex used for validation is 'x+')");
    expect(regexError('bad', 'x+', 'x')).toBe("bad (e.g. 'x', regex used for validation is 'x+')");
    expect(regexError('bad', 'x+', 'x', 'xx')).toBe("bad (e.g. 'x',  or 'xx', regex used for validation is 'x+')");
  });
});

describe('isDNS1123Label', () => {
  it.each(['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', a(63)])(
    'accepts %j',
    (value) => expect(isDNS1123Label(value)).toEqual([]),
  );
  it.each([
    '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1',
    '1_2', '.', 'a.', '.a', '1.', '.1', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2',
  ])('rejects %j with the regex message', (value) => expect(isDNS1123Label(value)).toEqual([DNS1123_LABEL_MSG]));
  it('explains dots in an otherwise valid subdomain', () => {
    expect(isDNS1123Label('a.b')).toEqual(['must not contain dots']);
    expect(isDNS1123Label('1.2')).toEqual(['must not contain dots']);
  });
  it('reports length and format separately', () => {
    expect(isDNS1123Label(a(64))).toEqual(['must be no more than 63 characters']);
    expect(isDNS1123Label(`${a(63)}-`)).toEqual(['must be no more than 63 characters', DNS1123_LABEL_MSG]);
  });
});

describe('isDNS1123Subdomain', () => {
  it.each([
    'a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a.a', 'ab.a',
    'abc.a', 'a1.a', 'a-1.a', 'a--1--2--b.a', 'a.1', 'ab.1', 'abc.1', 'a1.1', 'a-1.1', 'a--1--2--b.1', '0.a',
    '01.a', '012.a', '1a.a', '1-a.a', '0.1', '01.1', '012.1', '1a.1', '1-a.1', '1--a--b--2.1', 'a.b.c.d.e',
    'aa.bb.cc.dd.ee', '1.2.3.4.5', '11.22.33.44.55', 'example.com', a(253),
  ])('accepts %j', (value) => expect(isDNS1123Subdomain(value)).toEqual([]));
  it.each([
    '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1',
    '1_2', '.', 'a.', '.a', 'a..b', '1.', '.1', '1..2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', 'A.a', 'aB.a',
    'ab.A', 'A1.a', 'a1.A', 'A.1', 'aB.1', 'A1.1', '1A.1', '0.A', '01.A', '012.A', '1A.a', '1a.A', 'A.B.C.D.E',
    'AA.BB.CC.DD.EE', 'a.B.c.d.e', 'aa.bB.cc.dd.ee', 'a@b', 'a,b', 'a;b', 'a:b', 'a%b', 'a?b', 'a$b', 'Foo',
    'a\nb', 'ab\n',
  ])('rejects %j with the message from the brief', (value) => {
    expect(isDNS1123Subdomain(value)).toEqual([DNS1123_SUBDOMAIN_MSG]);
  });
  it('limits the length to 253', () => {
    expect(isDNS1123Subdomain(a(254))).toEqual(['must be no more than 253 characters']);
  });
});

describe('isDNS1035Label', () => {
  it.each(['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', a(63)])('accepts %j', (value) => {
    expect(isDNS1035Label(value)).toEqual([]);
  });
  it.each([
    '0', '01', '012', '1a', '1-a', '1--a--b--2', '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-',
    '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2', '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2', ' ', 'a ', ' a',
    'a b', '1 ', ' 1', '1 2',
  ])('rejects %j', (value) => expect(isDNS1035Label(value)).toEqual([DNS1035_LABEL_MSG]));
  it('limits the length to 63', () => {
    expect(isDNS1035Label(a(64))).toEqual(['must be no more than 63 characters']);
  });
});

describe('isQualifiedName', () => {
  it.each([
    'simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple', 'now-with-dashes/simple',
    'now-with-dashes/now-with-dashes', 'now.with.dots/simple', 'now-with.dashes-and.dots/simple', '1-num.2-num/3-num',
    '1234/5678', '1.2.3.4/5678', 'Uppercase_Is_OK_123', 'example.com/Uppercase_Is_OK_123', 'requests.storage-foo',
    'app.kubernetes.io/name', a(63), `${a(253)}/${'b'.repeat(63)}`,
  ])('accepts %j', (value) => expect(isQualifiedName(value)).toEqual([]));

  it.each<[string, string[]]>([
    ['nospecialchars%^=@', [NAME_PART_MSG]],
    ['cantendwithadash-', [NAME_PART_MSG]],
    ['-cantstartwithadash-', [NAME_PART_MSG]],
    ['a b', [NAME_PART_MSG]],
    ['', ['name part must be non-empty', NAME_PART_MSG]],
    ['example.com/', ['name part must be non-empty', NAME_PART_MSG]],
    ['/simple', ['prefix part must be non-empty']],
    ['Example.com/abc', [`prefix part ${DNS1123_SUBDOMAIN_MSG}`]],
    ['example_com/abc', [`prefix part ${DNS1123_SUBDOMAIN_MSG}`]],
    [a(64), ['name part must be no more than 63 characters']],
    [`${a(254)}/abc`, ['prefix part must be no more than 253 characters']],
    [
      'only/one/slash',
      [
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ],
    ],
  ])('rejects %j', (value, expected) => expect(isQualifiedName(value)).toEqual(expected));
});

describe('isValidLabelValue', () => {
  it.each(['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', a(63), '', 'My_Value.1'])(
    'accepts %j',
    (value) => expect(isValidLabelValue(value)).toEqual([]),
  );
  it.each([
    'nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash',
    'ends-with-dash-', '.starts.with.dot', 'ends.with.dot.', 'a b', 'a/b',
  ])('rejects %j', (value) => expect(isValidLabelValue(value)).toEqual([LABEL_VALUE_MSG]));
  it('limits the length to 63 bytes', () => {
    expect(isValidLabelValue(a(64))).toEqual(['must be no more than 63 characters']);
    // 32 two-byte characters are 64 bytes in Go's len().
    expect(isValidLabelValue('é'.repeat(32))).toEqual(['must be no more than 63 characters', LABEL_VALUE_MSG]);
  });
});

describe('isValidPortNum and isInRange', () => {
  it.each([1, 2, 1000, 16384, 32768, 65535])('accepts port %d', (port) => expect(isValidPortNum(port)).toEqual([]));
  it.each([0, -1, 65536, 100000, 80.5, Number.NaN])('rejects port %d', (port) => {
    expect(isValidPortNum(port)).toEqual(['must be between 1 and 65535, inclusive']);
  });
  it('checks inclusive ranges', () => {
    expect(isInRange(1, 0, 10)).toEqual([]);
    expect(isInRange(25, 10, 25)).toEqual([]);
    expect(isInRange(1, 2, 10)).toEqual(['must be between 2 and 10, inclusive']);
  });
});

describe('isValidPortName', () => {
  it.each(['telnet', 're-mail-ck', 'pop3', 'a', 'a-1', '1-a', 'a-1-b-2-c', '1-a-2-b-3', 'http', 'metrics'])(
    'accepts %j',
    (value) => expect(isValidPortName(value)).toEqual([]),
  );
  it.each<[string, string[]]>([
    ['longerthan15characters', ['must be no more than 15 characters']],
    ['', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']],
    ['12345', ['must contain at least one letter (a-z)']],
    ['1-2-3-4', ['must contain at least one letter (a-z)']],
    ['-begin', ['must not begin or end with a hyphen']],
    ['end-', ['must not begin or end with a hyphen']],
    ['two--hyphens', ['must not contain consecutive hyphens']],
    ['whois++', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']],
    ['HTTP', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']],
  ])('rejects %j', (value, expected) => expect(isValidPortName(value)).toEqual(expected));
});

describe('isCIdentifier', () => {
  const message =
    "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')";
  it.each(['a', 'ab', 'abc', 'a1', '_a', 'a_', 'a_b', 'a_1', 'a__1__2__b', '__abc_123', 'A', 'AB', 'AbC', 'A__1__2__B'])(
    'accepts %j',
    (value) => expect(isCIdentifier(value)).toEqual([]),
  );
  it.each(['', '1', '123', '1a', '-', 'a-', '-a', '1_', '.', 'a.b', ' ', 'a b', '#a#'])('rejects %j', (value) => {
    expect(isCIdentifier(value)).toEqual([message]);
  });
});

describe('isEnvVarName', () => {
  const message =
    "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";
  it.each(['a', 'A', 'ab', 'AbC', '_a', 'a-b', 'a.b', 'MY_VAR', 'my.env-name', '-a', '.a', 'a1'])(
    'accepts %j',
    (value) => expect(isEnvVarName(value)).toEqual([]),
  );
  it.each<[string, string[]]>([
    ['', [message]],
    ['1a', [message]],
    ['a b', [message]],
    ['a=b', [message]],
    ['.', ["must not be '.'"]],
    ['..', ["must not be '..'"]],
    ['..a', ["must not start with '..'"]],
  ])('rejects %j', (value, expected) => expect(isEnvVarName(value)).toEqual(expected));
});

describe('isConfigMapKey', () => {
  const message =
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
  it.each(['a', 'key.name', 'KEY_NAME', 'key-name', '.dotfile', '1', 'a..b', a(253)])('accepts %j', (value) => {
    expect(isConfigMapKey(value)).toEqual([]);
  });
  it.each<[string, string[]]>([
    ['', [message]],
    ['a/b', [message]],
    ['a b', [message]],
    ['.', ["must not be '.'"]],
    ['..', ["must not be '..'"]],
    ['..data', ["must not start with '..'"]],
    [a(254), ['must be no more than 253 characters']],
  ])('rejects %j', (value, expected) => expect(isConfigMapKey(value)).toEqual(expected));
});

describe('isValidPercent', () => {
  it('accepts N% only', () => {
    expect(isValidPercent('25%')).toEqual([]);
    expect(isValidPercent('25')).toEqual([
      "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    ]);
  });
});

describe('isValidPathSegmentName', () => {
  it.each<[string, string[]]>([
    ['foo', []],
    ['', []],
    ['.', ["may not be '.'"]],
    ['..', ["may not be '..'"]],
    ['a/b', ["may not contain '/'"]],
    ['a%b', ["may not contain '%'"]],
    ['a/%b', ["may not contain '/'", "may not contain '%'"]],
  ])('%j → %j', (value, expected) => expect(isValidPathSegmentName(value)).toEqual(expected));
});
