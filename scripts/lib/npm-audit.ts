// `npm audit --audit-level=high`, reported honestly: findings of high or critical severity
// fail; a registry that will not answer the audit endpoint (offline, a mirror that refuses the
// POST with 405) is "not run" with npm's own reason, never a pass.

import { spawnSync } from 'node:child_process';
import { fail, notRun, pass, type Finding } from './finding.ts';
import { repoRoot } from './manifest.ts';

interface AuditReport {
  metadata?: { vulnerabilities?: Record<string, number> };
  message?: string;
  error?: { summary?: string; detail?: string };
}

const NAME = 'npm audit --audit-level=high';

export function npmAudit(root = repoRoot): Finding {
  // Under `npm run`, npm_execpath is the npm that runs us; run it on this Node.
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli && /\.c?js$/.test(npmCli) ? [process.execPath, [npmCli]] : ['npm', []];
  const result = spawnSync(command, [...args, 'audit', '--audit-level=high', '--json'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 90_000,
    shell: false,
  });
  if (result.error) return notRun(NAME, `npm could not be started: ${result.error.message}`);
  let report: AuditReport;
  try {
    report = JSON.parse(result.stdout) as AuditReport;
  } catch {
    const said =
      (result.stderr || result.stdout)
        .trim()
        .split('\n')
        .find((line) => /error|ERR/.test(line)) ?? `exit code ${result.status}`;
    return notRun(NAME, `npm audit gave no report: ${said}`);
  }
  const counts = report.metadata?.vulnerabilities;
  if (!counts) {
    const reason = report.message ?? report.error?.summary ?? `exit code ${result.status}, no report`;
    // A 405 is the network's answer, not the packages': installs (GET) go through, the audit (a POST) does not.
    const why = /\b405\b/.test(reason)
      ? '. The way to the registry here lets downloads through but refuses the POST an audit sends, so nothing was checked: run `npm audit` where the registry answers it.'
      : '';
    return notRun(NAME, `the registry did not answer the audit: ${reason}${why}`);
  }
  const serious = (counts.high ?? 0) + (counts.critical ?? 0);
  const summary = ['critical', 'high', 'moderate', 'low', 'info']
    .map((level) => `${counts[level] ?? 0} ${level}`)
    .join(', ');
  if (serious > 0) return fail(NAME, `${summary}: fix or replace the packages (npm audit lists them)`);
  return pass(NAME, summary);
}
