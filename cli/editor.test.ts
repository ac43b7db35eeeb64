import { describe, expect, it } from 'vitest';
import { editorCommand } from './editor.js';

describe('editorCommand', () => {
  it('prefers KUBE_EDITOR, then EDITOR, then vi', () => {
    expect(editorCommand({ KUBE_EDITOR: 'nano', EDITOR: 'emacs' }, '/t/f.yaml')).toEqual({ command: 'nano', args: ['/t/f.yaml'] });
    expect(editorCommand({ EDITOR: 'emacs' }, 'f')).toEqual({ command: 'emacs', args: ['f'] });
    expect(editorCommand({}, 'f')).toEqual({ command: 'vi', args: ['f'] });
  });

  it('splits plain arguments and hands quoted ones to the shell', () => {
    expect(editorCommand({ EDITOR: 'code --wait' }, 'f')).toEqual({ command: 'code', args: ['--wait', 'f'] });
    expect(editorCommand({ EDITOR: `sed -i 's/a/b/'`, SHELL: '/bin/sh' }, '/t/f')).toEqual({ command: '/bin/sh', args: ['-c', `sed -i 's/a/b/' "/t/f"`] });
  });
});
