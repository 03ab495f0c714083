import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { platform } from 'node:os';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite } from '@workshop/azurite';
import { repoRoot } from './lib/manifest.ts';
import { bold, dim, green, red, yellow } from './lib/style.ts';

// `npm run doctor`: checks the machine before the workshop starts, and prints the fix for
// every problem it finds. It changes nothing.

type Outcome = { level: 'ok' | 'warn' | 'fail'; message: string; fix?: string };
type Check = { name: string; run: () => Promise<Outcome> | Outcome };

const ok = (message: string): Outcome => ({ level: 'ok', message });
const warn = (message: string, fix: string): Outcome => ({ level: 'warn', message, fix });
const fail = (message: string, fix: string): Outcome => ({ level: 'fail', message, fix });

function systemNodeVersion(): string | undefined {
  // npm puts node_modules/.bin first on PATH; the learner's own Node is the next one.
  const path = (process.env.PATH ?? '')
    .split(platform() === 'win32' ? ';' : ':')
    .filter((p) => !p.includes('node_modules'));
  const result = spawnSync('node', ['--version'], {
    encoding: 'utf8',
    env: { ...process.env, PATH: path.join(platform() === 'win32' ? ';' : ':') },
  });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

const checks: Check[] = [
  {
    name: 'Node.js',
    run: () => {
      const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
      const system = systemNodeVersion();
      const systemNote = system ? ` (your system Node is ${system}; npm scripts use the workshop's own)` : '';
      if (major < 22 || (major === 22 && minor < 12)) {
        return fail(
          `the workshop runs on Node ${process.version}, which is too old`,
          'Run `npm install` again (it installs Node 24 into node_modules), and start commands with npm. Or install Node 24 LTS.',
        );
      }
      if (major !== 24)
        return warn(
          `Node ${process.version}${systemNote}`,
          'The workshop targets Node 24 LTS; other versions usually work.',
        );
      return ok(`Node ${process.version}${systemNote}`);
    },
  },
  {
    name: 'Azurite',
    run: async () => {
      const started = performance.now();
      const azurite = await startAzurite();
      try {
        const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
        await blobs.getContainerClient('doctor').createIfNotExists();
        return ok(`starts and answers (${Math.round(performance.now() - started)} ms)`);
      } finally {
        await azurite.stop();
      }
    },
  },
  {
    name: 'Storage SDK vs Azurite API version',
    run: async () => {
      const azurite = await startAzurite({ apiVersionCheck: true });
      try {
        await BlobServiceClient.fromConnectionString(azurite.connectionString)
          .getContainerClient('doctor')
          .createIfNotExists();
        return ok('Azurite accepts the storage SDK as it is');
      } catch (error) {
        const message = (error instanceof Error ? error.message : String(error)).split(/\n|(?<=\.) /)[0] ?? '';
        if (!/API version/i.test(message)) throw error;
        // Not a problem to fix: every Azurite the workshop starts skips the check.
        return ok(
          'the storage SDK is newer than Azurite, and the workshop starts Azurite with --skipApiVersionCheck: nothing to do. (Starting Azurite yourself for Core Tools? Add that flag.)',
        );
      } finally {
        await azurite.stop();
      }
    },
  },
  {
    name: 'sharp',
    run: async () => {
      try {
        const { default: sharp } = await import('sharp');
        await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
          .png()
          .toBuffer();
        return ok(`loads (libvips ${sharp.versions.vips})`);
      } catch (error) {
        return fail(
          `its native binary does not load: ${error instanceof Error ? error.message.split('\n')[0] : error}`,
          'Run `npm install` again on this machine (do not copy node_modules from another OS or CPU). See https://sharp.pixelplumbing.com/install',
        );
      }
    },
  },
  {
    name: 'Azure Functions Core Tools',
    run: () => {
      const result = spawnSync('func', ['--version'], { encoding: 'utf8', shell: platform() === 'win32' });
      if (result.status !== 0)
        return ok(
          'not installed — fine: the workshop brings its own local host (install Core Tools v4 to also try `func start`)',
        );
      const version = result.stdout.trim();
      return version.startsWith('4.')
        ? ok(`func ${version}`)
        : warn(
            `func ${version}`,
            'Durable Functions on Node needs Core Tools v4: npm i -g azure-functions-core-tools@4',
          );
    },
  },
  ...[7071, 10000, 10001, 10002].map((port): Check => ({
    name: `port ${port}`,
    run: () =>
      new Promise<Outcome>((resolve) => {
        const server = createServer();
        server.once('error', () => {
          const what =
            port === 7071
              ? 'the Functions host (another `npm start` or `func start`?)'
              : 'Azurite (another Azurite or Storage emulator?)';
          resolve(
            warn(
              `is in use`,
              `Stop the program using it — usually ${what}. \`npm start -- NN --port 7072\` serves on another port; an Azurite already running on 10000–10002 is reused.`,
            ),
          );
        });
        server.listen(port, '127.0.0.1', () => server.close(() => resolve(ok('free'))));
      }),
  })),
  {
    name: 'file watching',
    run: () => {
      if (/\s/.test(repoRoot))
        return warn(
          `the workshop folder has a space in its path: ${repoRoot}`,
          'Some tools break on spaces in paths. Move the folder to a path without spaces.',
        );
      if (/^\/mnt\/[a-z]\//.test(repoRoot))
        return warn(
          'the workshop is on a Windows drive inside WSL (/mnt/…): file watching is slow or silent there',
          'Clone it into your Linux home folder (~/) instead.',
        );
      if (/onedrive|dropbox|icloud/i.test(repoRoot))
        return warn(
          'the workshop is in a synced folder',
          'Sync tools lock files and confuse watchers; move it out of OneDrive/Dropbox/iCloud.',
        );
      if (platform() === 'linux') {
        try {
          const watches = Number(readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8'));
          if (watches < 65536)
            return warn(
              `inotify allows only ${watches} watched files`,
              'sudo sysctl fs.inotify.max_user_watches=524288',
            );
        } catch {
          // Not every Linux exposes it; nothing to report.
        }
      }
      return ok(`the path ${repoRoot} is fine for watching`);
    },
  },
];

let problems = 0;
console.log(bold('Workshop doctor'), dim('— checks this machine; changes nothing\n'));
for (const check of checks) {
  let outcome: Outcome;
  try {
    outcome = await check.run();
  } catch (error) {
    outcome = fail(
      error instanceof Error ? error.message.split('\n')[0]! : String(error),
      'Run `npm install` again; if it persists, ask your instructor with this output.',
    );
  }
  const mark = outcome.level === 'ok' ? green('✓') : outcome.level === 'warn' ? yellow('!') : red('✗');
  console.log(`${mark} ${bold(check.name)}: ${outcome.message}`);
  if (outcome.fix) console.log(`    ${dim('fix:')} ${outcome.fix}`);
  if (outcome.level === 'fail') problems++;
}
console.log('');
console.log(
  problems === 0 ? green('Ready for the workshop.') : red(`${problems} problem(s) to fix before the workshop.`),
);
process.exitCode = problems === 0 ? 0 : 1;
