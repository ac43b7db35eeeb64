import { spawn } from 'node:child_process';
import { CliError } from './errors.js';

// Launching the user's editor as kubectl does: $KUBE_EDITOR, then $EDITOR, then vi. A command
// without spaces runs as is; with plain spaces it is split into arguments; with quotes or
// backslashes it is handed to the shell with the file name appended.

interface EditorCommand {
  command: string;
  args: string[];
}

export function editorCommand(env: Readonly<Record<string, string | undefined>>, file: string): EditorCommand {
  const editor = env.KUBE_EDITOR || env.EDITOR || 'vi';
  if (!editor.includes(' ')) return { command: editor, args: [file] };
  if (!/["'\\]/.test(editor)) {
    const [command, ...args] = editor.split(' ').filter((part) => part !== '');
    return { command: command!, args: [...args, file] };
  }
  return { command: env.SHELL || '/bin/bash', args: ['-c', `${editor} ${JSON.stringify(file)}`] };
}

/** Runs the editor on the file with the terminal attached and waits for it to exit. */
export function launchEditor(env: Readonly<Record<string, string | undefined>>, file: string): Promise<void> {
  const { command, args } = editorCommand(env, file);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...env } });
    child.on('error', (err) => reject(new CliError(`unable to launch the editor "${command}": ${err.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new CliError(`there was a problem with the editor "${command}": exit ${signal ?? code}`));
    });
  });
}
