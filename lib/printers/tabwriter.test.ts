import { describe, expect, it } from 'vitest';
import { alignTabs } from './tabwriter.js';

const table = { minWidth: 6, padding: 3 };
const describeLayout = { minWidth: 0, padding: 2 };

describe('alignTabs', () => {
  it('pads every column but the last to its widest cell plus padding', () => {
    expect(alignTabs('NAME\tREADY\tAGE\nmysql-abcde\t1/1\t5s\n', table)).toBe(
      ['NAME          READY   AGE', 'mysql-abcde   1/1     5s', ''].join('\n'),
    );
  });

  it('never makes a column narrower than the minimal width', () => {
    expect(alignTabs('a\tb\nc\td\n', table)).toBe('a     b\nc     d\n');
  });

  it('aligns each run of lines with a cell in a column on its own (column blocks)', () => {
    const text = ['Name:\tweb', 'Namespace:\tdefault', 'Containers:', '  web:', '    Image:\tnginx', '    Port:\t80/TCP', ''].join('\n');
    expect(alignTabs(text, describeLayout)).toBe(
      ['Name:       web', 'Namespace:  default', 'Containers:', '  web:', '    Image:  nginx', '    Port:   80/TCP', ''].join('\n'),
    );
  });

  it('sizes a deeper column only over the lines that have it', () => {
    const text = ['Type:\tNodePort', 'Port:\t<unset>\t8080/TCP', 'TargetPort:\t8080/TCP', 'NodePort:\t<unset>\t30001/TCP', ''].join('\n');
    expect(alignTabs(text, describeLayout)).toBe(
      ['Type:        NodePort', 'Port:        <unset>  8080/TCP', 'TargetPort:  8080/TCP', 'NodePort:    <unset>  30001/TCP', ''].join('\n'),
    );
  });

  it('keeps trailing spaces inside cells and pads empty cells', () => {
    expect(alignTabs('  Type\tStatus\n  Ready \tTrue \n', describeLayout)).toBe('  Type    Status\n  Ready   True \n');
    expect(alignTabs('a\t\tb\nlonger\t\tc\n', describeLayout)).toBe('a         b\nlonger    c\n');
  });

  it('counts code points, not bytes', () => {
    expect(alignTabs('é\tx\nab\ty\n', describeLayout)).toBe('é   x\nab  y\n');
  });
});
