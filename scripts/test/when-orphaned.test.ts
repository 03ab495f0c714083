// The serve command stops when npm above it is killed (issue #15, item 6): its parent's pid changes.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('../lib/when-orphaned.ts', import.meta.url));

describe('whenOrphaned', () => {
  it('calls back once the parent is killed, and not before', async () => {
    // sh → node, as npm runs a script: the shell is killed, node is left to the system.
    const child = `const { whenOrphaned } = await import(${JSON.stringify(MODULE)});
      whenOrphaned(() => { console.log('orphaned'); process.exit(0); }, 50);
      console.log('watching');
      setInterval(() => undefined, 1000);`;
    const shell = spawn('sh', ['-c', `"${process.execPath}" --input-type=module -e "$CHILD"; echo after`], {
      env: { ...process.env, CHILD: child },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    const said = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${text}" within 10 s; output: ${output}`)), 10_000);
        const check = () => {
          if (!output.includes(text)) return;
          clearTimeout(timer);
          resolve();
        };
        shell.stdout.on('data', (chunk: Buffer) => {
          output += String(chunk);
          check();
        });
        check();
      });
    await said('watching');
    expect(output).not.toContain('orphaned');
    // The shell's stdout pipe stays open in node: the child's own line still reaches us.
    shell.kill('SIGKILL');
    await said('orphaned');
  });
});
