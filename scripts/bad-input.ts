// npm run bad-input [-- NN …] [--verbose]
//
// Throws bad input at every HTTP function of every solution and at the Durable Functions
// management API, and expects a 4xx with a JSON message and no stack trace for each (or the
// empty 404 the Functions host gives a request no route takes); starts every orchestrator with
// bad input through the management API and expects it to end Failed; then checks that each
// host still serves. Also: hardening (loopback only, Host headers, body limit, instance ids and
// list parameters, the start route's wait, the dashboard's guards against other sites and
// rebound host names, no forged log line, no secrets in any log) and the
// supply chain (lockfile committed and in sync, install scripts approved, npm audit).
import { parseArgs } from 'node:util';
import { BlobServiceClient } from '@azure/storage-blob';
import { connectionStringFor, startAzurite } from '@workshop/azurite';
import { seedSamples } from '@workshop/samples';
import { runApp, type AppResult } from './lib/bad-input-app.ts';
import { runCli } from './lib/cli.ts';
import { startCountingTableProxy } from './lib/counting-table-proxy.ts';
import { fail, notRun, pass, type Finding } from './lib/finding.ts';
import { loopbackOnly, refusedElsewhere } from './lib/hardening.ts';
import { HOSTILE_CONTAINER, seedHostileImages } from './lib/hostile-images.ts';
import { findLab, readManifest, solutionDir } from './lib/manifest.ts';
import { npmAudit } from './lib/npm-audit.ts';
import { scanForSecrets } from './lib/secret-scan.ts';
import { bold, dim, green, red, yellow } from './lib/style.ts';
import { installScriptsApproved, lockfileCommitted, lockfileInSync } from './lib/supply-chain.ts';
import { mapLimit } from './lib/thumbnail-fleet.ts';

const usage = `Usage: npm run bad-input [-- NN …] [--verbose]
  Runs the bad-input matrix on every solution (or only labs NN …) against one Azurite, then
  the hardening and supply-chain checks. Exits 1 when an input gets a wrong answer or a check
  fails; a check that cannot run on this machine is reported "not run" and does not fail.
  --verbose  also list each app's HTTP functions (name, methods, route) and what its scenarios measured`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { verbose: { type: 'boolean', short: 'v' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const labs = readManifest();
  const chosen = positionals.length === 0 ? labs : positionals.map((p) => findLab(labs, p));
  const started = Date.now();

  const supplyChain = [lockfileCommitted(), lockfileInSync(), installScriptsApproved(), npmAudit()];
  printFindings('Supply chain', supplyChain);

  console.log(bold('\nBad input'), dim('(one Azurite for all apps; each host with its default settings)'));
  const azuriteOutput: string[] = [];
  const azurite = await startAzurite({ onOutput: (line) => azuriteOutput.push(line) });
  const results: AppResult[] = [];
  const loopback: Finding[] = [];
  const elsewhere: Finding[] = [];
  let azuriteLoopback: Finding;
  // The hosts' table traffic goes through a proxy that counts the status reads of the start route's wait.
  const tables = await startCountingTableProxy(azurite.tableEndpoint);
  try {
    azuriteLoopback = await loopbackOnly(
      'Azurite listens on loopback only',
      azurite.process.pid,
      Number(new URL(azurite.blobEndpoint).port),
    );
    const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
    await seedSamples(blobs.getContainerClient('samples'));
    await seedHostileImages(blobs.getContainerClient(HOSTILE_CONTAINER));
    const connectionString = connectionStringFor({
      blobEndpoint: azurite.blobEndpoint,
      queueEndpoint: azurite.queueEndpoint,
      tableEndpoint: tables.endpoint,
    });
    // Two apps at a time (issue #14): each mostly waits on its host and Azurite, and one by one
    // they left a core idle for most of the minute this took. They are printed in order.
    const done: AppResult[] = [];
    await mapLimit(chosen, 2, async (lab, index) => {
      const app = `solutions/${lab.slug}`;
      done[index] = await runApp({
        appDir: solutionDir(lab),
        app,
        labId: lab.id,
        connectionString,
        statusReads: tables.reads,
        whileRunning: async (host) => {
          loopback[index] = await loopbackOnly(app, host.child.pid, host.port);
          elsewhere[index] = await refusedElsewhere(app, host.port);
        },
      });
      while (done[results.length]) {
        const result = done[results.length]!;
        results.push(result);
        printApp(result, values.verbose ?? false);
      }
    });
  } finally {
    await tables.close();
    await azurite.stop();
  }
  const tried = results.reduce((n, r) => n + r.tried, 0);
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failures = results.reduce((n, r) => n + r.failures.length, 0);
  const skipped = results.reduce((n, r) => n + r.skipped, 0);
  console.log(
    `  ${failures === 0 ? green('✓') : red('✗')} ${passed}/${tried} inputs answered as they should, ${failures} failure(s)${skipped ? `, ${skipped} not sent (meant for later labs)` : ''}`,
  );

  const hardening = [
    summarise('hosts listen on loopback only (host and management API: one server)', loopback.filter(Boolean)),
    summarise("the hosts' ports refuse this machine's other addresses", elsewhere.filter(Boolean)),
    azuriteLoopback,
    groupFinding(
      'a Host header that is not one host[:port] gets 400 JSON, never a route',
      'host-header',
      results,
      'Host header forms (a path, a query, user info, a fragment, spaces, two, none), Expect: 999-nope (417), absolute-form targets naming another host, CONNECT and OPTIONS * answered 4xx JSON',
    ),
    groupFinding(
      'request bodies over the limit get 413 JSON',
      'body-limit',
      results,
      'inputs declaring a body over the default 100 MB limit answered 413 JSON, on function routes and the management API',
    ),
    groupFinding(
      'instance ids are validated',
      'instance-id',
      results,
      'malformed instance ids answered 400 JSON, unknown ones an empty 404 as the Durable extension does, on every management route',
    ),
    groupFinding(
      'list and status parameters are validated',
      'management-query',
      results,
      'continuation tokens, instanceIdPrefix, runtimeStatus, createdTimeFrom/To, top and the status booleans storage would refuse or the extension would ignore answered 400 JSON',
    ),
    groupFinding(
      "the start route's wait is bounded",
      'wait-loop',
      results,
      'bad timeout/pollingInterval values answered 400 JSON with nothing started; a 0.000001 s interval polled at most every 100 ms; a client that went stopped the polling',
      'wait-loop',
    ),
    groupFinding(
      'the dashboard and the management API refuse other sites and other host names',
      'dashboard',
      results,
      'cross-origin text/plain POSTs, missing or guessed tokens, Sec-Fetch-Site cross-site and rebound Host names (DNS rebinding) answered 403 JSON with nothing started; reads with bad parameters 4xx JSON',
    ),
    groupFinding(
      'orchestrations started with bad input end Failed',
      'orchestration-input',
      results,
      'orchestrations started through the management API with input their client functions refuse ended Failed with a message, within seconds',
    ),
    logFinding(results),
    secretsFinding(results, azuriteOutput),
  ];
  printFindings('Hardening', hardening);

  const findings = [...supplyChain, ...hardening];
  const count = (status: Finding['status']) => findings.filter((f) => f.status === status).length;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = failures === 0 && count('fail') === 0;
  console.log(
    bold(
      `\n${ok ? green('PASS') : red('FAIL')} bad input ${passed}/${tried} in ${results.length} apps; checks: ${count('pass')} passed, ${count('fail')} failed, ${count('not run')} not run; ${seconds} s`,
    ),
  );
  return ok ? 0 : 1;
}

/** One finding for the same check on every app: failed if any failed, not run if any could not run. */
function summarise(name: string, perApp: Finding[]): Finding {
  const failed = perApp.filter((f) => f.status === 'fail');
  if (failed.length > 0) return fail(name, failed.map((f) => `${f.name}: ${f.detail}`).join('; '));
  const skipped = perApp.find((f) => f.status === 'not run');
  if (skipped || perApp.length === 0) return notRun(name, skipped?.detail ?? 'no app was run');
  return pass(name, `${perApp.length}/${perApp.length} hosts; e.g. ${perApp[0]!.name}: ${perApp[0]!.detail}`);
}

/** `figuresOf`: add the figures the group's scenarios measured, from the last app that has them. */
function groupFinding(name: string, group: string, results: AppResult[], what: string, figuresOf?: string): Finding {
  const tried = results.reduce((n, r) => n + (r.groups[group]?.tried ?? 0), 0);
  const passed = results.reduce((n, r) => n + (r.groups[group]?.passed ?? 0), 0);
  if (tried === 0) return notRun(name, 'no app in this run has such inputs');
  const apps = results.filter((r) => r.groups[group]).length;
  const measured = figuresOf === undefined ? undefined : results.findLast((r) => r.figures[figuresOf]?.length);
  const figures = measured ? `; ${measured.app}: ${measured.figures[figuresOf!]!.join('; ')}` : '';
  return (passed === tried ? pass : fail)(
    name,
    `${passed}/${tried} ${what} (${apps} app${apps === 1 ? '' : 's'})${figures}`,
  );
}

function logFinding(results: AppResult[]): Finding {
  const name = 'no request can forge a log line or send a control character to the console';
  const forged = results.reduce((n, r) => n + r.forgedRequests, 0);
  const carried = results.reduce((n, r) => n + r.logScan.carried, 0);
  const lines = results.reduce((n, r) => n + r.logScan.lines, 0);
  const bad = results.filter((r) => r.logScan.forged.length + r.logScan.rawControls.length > 0);
  if (bad.length > 0)
    return fail(
      name,
      bad
        .map(
          (r) =>
            `${r.app}: ${r.logScan.forged.length} forged line(s), ${r.logScan.rawControls.length} with raw control characters`,
        )
        .join('; '),
    );
  // A scan of logs the forged text never reached would prove nothing.
  if (carried === 0)
    return fail(name, `${forged} requests carried the forged line, but no log line shows it: the scan proves nothing`);
  return pass(
    name,
    `${forged} requests carried CR, LF, ESC, C1 and a forged timestamp (${results.length} app${results.length === 1 ? '' : 's'}); ${carried} of ${lines} log lines show the text, escaped; 0 forged lines, 0 raw control characters`,
  );
}

function secretsFinding(results: AppResult[], azuriteOutput: string[]): Finding {
  const name = 'no connection string or account key in any log';
  const sources: Array<[string, string]> = [
    ...results.map((r): [string, string] => [`${r.app} host log`, r.logs]),
    ['Azurite output', azuriteOutput.join('\n')],
  ];
  const hits = sources.flatMap(([source, text]) => scanForSecrets(source, text));
  const lines = sources.reduce((n, [, text]) => n + text.split('\n').length, 0);
  if (hits.length > 0)
    return fail(
      name,
      hits
        .slice(0, 5)
        .map((h) => `${h.source}: ${h.label} in "${h.line}"`)
        .join('; '),
    );
  return pass(
    name,
    `${sources.length} logs, ${lines} lines scanned for the development account key, AccountKey=, SharedAccessSignature=, sig=`,
  );
}

function printFindings(title: string, findings: Finding[]): void {
  console.log(bold(`\n${title}`));
  for (const finding of findings) {
    const mark = finding.status === 'pass' ? green('✓') : finding.status === 'fail' ? red('✗') : yellow('–');
    const detail = finding.status === 'not run' ? `not run: ${finding.detail}` : finding.detail;
    console.log(`  ${mark} ${finding.name}${dim(` — ${detail}`)}`);
  }
}

function printApp(result: AppResult, verbose: boolean): void {
  const status = result.failures.length === 0 ? green('ok  ') : red('FAIL');
  const skipped = result.skipped > 0 ? `, ${result.skipped} not sent (meant for later labs)` : '';
  const serving = result.groups['still-serving'];
  const after = serving ? `; after them ${serving.passed}/${serving.tried} known-good requests answered 200/201` : '';
  console.log(
    `  ${status} ${result.app}: ${result.passed}/${result.tried} passed${skipped}${after} ${dim(`(${(result.durationMs / 1000).toFixed(1)} s)`)}`,
  );
  if (verbose) {
    for (const fn of result.functions) console.log(dim(`         ${fn}`));
    for (const [group, figures] of Object.entries(result.figures))
      for (const figure of figures) console.log(dim(`         ${group}: ${figure}`));
  }
  for (const failure of result.failures) {
    console.log(red(`       ✗ ${failure.target}: ${failure.what}`));
    console.log(`           request: ${failure.request}`);
    console.log(`           answer:  ${failure.answer}`);
    console.log(`           why:     ${failure.reason}`);
  }
}

runCli(main, usage);
