import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyApp } from '../lib/app-files.ts';
import { findLab, readManifest, repoRoot, solutionDir, starterDir, type Lab } from '../lib/manifest.ts';
import { runChecks, type CheckResult } from '../lib/run-checks.ts';
import { describeFailure } from '../lib/verdict.ts';

const labs = readManifest();
const copies: string[] = [];

/** A copy of an app under .workshop/, with one file changed the way a learner would. */
function copyWith(appDir: string, name: string, file: string, change: (text: string) => string): string {
  const dir = join(repoRoot, '.workshop', `test-${name}`);
  copies.push(dir);
  copyApp(appDir, dir);
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = change(before);
  expect(after, `the change to ${file} should apply`).not.toBe(before);
  writeFileSync(path, after);
  return dir;
}

/** Runs a lab's checks on an app folder, and expects the check whose title holds `title` to fail: that check. */
async function failedCheck(lab: Lab, dir: string, title: string): Promise<CheckResult> {
  const run = await runChecks({ lab, appDir: dir, typecheck: false });
  const check = run.checks.find((c) => c.title.includes(title));
  expect(check?.state).toBe('failed');
  return check!;
}

// Each test runs a lab's checks in a nested run (Azurite and a host): allow for busy cores.
describe("a check's words follow the learner", { timeout: 120_000 }, () => {
  afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('lab 02 with step 1 done (images registered, answering 501) no longer says to register it', async () => {
    const lab = findLab(labs, '02');
    const dir = join(repoRoot, '.workshop', 'test-lab02-step1-done');
    copies.push(dir);
    copyApp(starterDir(lab), dir);
    appendFileSync(
      join(dir, 'src/functions/images.ts'),
      "\napp.http('images', { methods: ['GET'], authLevel: 'anonymous', handler: images });\n",
    );
    const run = await runChecks({ lab, appDir: dir, typecheck: false });
    const first = run.checks.find((c) => c.title === lab.starterFails);
    expect(first?.state).toBe('failed');
    expect(first?.hint).toMatch(/^The function is registered\./);
    expect(first?.guide).toContain('#step-2-read-the-query-parameters');
  });

  it('lab 04 answering 201 every time, with a stable name, is sent to the status (step 6), not the name (step 3)', async () => {
    const lab = findLab(labs, '04');
    const dir = copyWith(solutionDir(lab), 'lab04-always-201', 'src/functions/thumbnails.ts', (text) =>
      text.replace('status: created ? 201 : 200,', 'status: 201,'),
    );
    const check = await failedCheck(lab, dir, 'POST for the same image and width again answers 200');
    expect(check.hint).toContain('created ? 201 : 200');
    expect(check.guide).toContain('#step-6-answer-with-201-or-200');
  });

  it("lab 03's 404 that blames the blob for a missing container is explained, not shown as 'expected: photo.jpg'", async () => {
    const lab = findLab(labs, '03');
    const dir = copyWith(solutionDir(lab), 'lab03-blames-blob', 'src/lib/blob-storage.ts', (text) =>
      text.replace(
        'return new StorageError(404, `The container "${container}" does not exist.`, { cause: error });',
        'return new StorageError(404, `The blob "${blob}" does not exist in the container "${container}".`, { cause: error });',
      ),
    );
    const check = await failedCheck(lab, dir, 'a container that does not exist');
    const said = describeFailure(check.error!);
    expect(said).toContain('should blame the container no-such-container');
    expect(said).not.toMatch(/expected:.*photo\.jpg/);
  });

  it("lab 11 with its timer not yielded fails at once, saying so, not after a 20 s wait that blamed new Date() (the walkthrough's)", async () => {
    const lab = findLab(labs, '11');
    const dir = copyWith(
      solutionDir(lab),
      'lab11-timer-not-yielded',
      'src/functions/upload-watch-orchestrator.ts',
      (text) => text.replace('  yield context.df.createTimer(nextCheckAt);', '  context.df.createTimer(nextCheckAt);'),
    );
    const check = await failedCheck(lab, dir, 'a watch looks for its blob, waits on a durable timer');
    expect(describeFailure(check.error!)).toContain('the durable timer between two checks did not wait');
    expect(check.hint).toContain('yield context.df.createTimer(nextCheckAt)');
  });

  it("lab 12 waiting for 'Approval' fails every approval check once the app is idle, not after each one's 20 s wait (the walkthrough's 41 s verdict)", async () => {
    const lab = findLab(labs, '12');
    const dir = copyWith(solutionDir(lab), 'lab12-wrong-event-name', 'src/functions/review-orchestrator.ts', (text) =>
      text.replace('context.df.waitForExternalEvent(APPROVAL_EVENT)', "context.df.waitForExternalEvent('Approval')"),
    );
    const run = await runChecks({ lab, appDir: dir, typecheck: false });
    const first = run.checks.find((c) => c.title.startsWith("a review waits for the event 'approval'"));
    expect(describeFailure(first!.error!)).toContain("the review took the event 'Approval' (capital A)");
    const atOnce = run.checks.find((c) => c.title.startsWith('an approval raised at once'));
    expect(atOnce?.state).toBe('failed');
    expect(describeFailure(atOnce!.error!)).toContain('once the app had nothing left to do, it was Running');
    expect(describeFailure(atOnce!.error!)).toContain('waits for its exact name');
  });

  it('lab 07 with readImage gone and makeThumbnail still returning bytes gets a hint about makeThumbnail, not readImage (the third walkthrough)', async () => {
    const lab = findLab(labs, '07');
    const dir = copyWith(solutionDir(lab), 'lab07-bytes-in-result', 'src/functions/thumbnail-activities.ts', (text) =>
      text.replace(
        '      bytes: thumbnail.bytes.length,\n    };',
        "      bytes: thumbnail.bytes.length,\n      data: thumbnail.bytes.toString('base64'),\n    };",
      ),
    );
    const check = await failedCheck(lab, dir, 'a job on photos (poster.jpg, 127 KB) completes');
    expect(check.hint).toMatch(/^TaskCompleted makeThumbnail .*Result still carries image bytes/);
    expect(check.hint).not.toContain('readImage');
  });

  it('lab 05 with Steps 4 and 3 done, and the activity still the placeholder, is sent to Step 2, not back to Step 3', async () => {
    const lab = findLab(labs, '05');
    const dir = join(repoRoot, '.workshop', 'test-lab05-steps-4-3-done');
    copies.push(dir);
    copyApp(starterDir(lab), dir);
    for (const file of ['src/functions/thumbnail-jobs.ts', 'src/functions/thumbnail-orchestrator.ts']) {
      writeFileSync(join(dir, file), readFileSync(join(solutionDir(lab), file), 'utf8'));
    }
    const check = await failedCheck(lab, dir, 'completes with a manifest of 4 thumbnails');
    expect(check.guide).toContain('#step-2-an-activity-makes-one-thumbnail');
    expect(check.hint).toMatch(/^The orchestrator runs: every image reached makeThumbnail/);
  });

  it("lab 04 with Steps 2-5 done and the handler still the placeholder is sent to Step 6, and its width check passes (the walkthrough read Step 4 and '14 of 14 failed')", async () => {
    const lab = findLab(labs, '04');
    const file = 'src/functions/thumbnails.ts';
    const dir = copyWith(solutionDir(lab), 'lab04-handler-placeholder', file, () =>
      readFileSync(join(starterDir(lab), file), 'utf8'),
    );
    const run = await runChecks({ lab, appDir: dir, typecheck: false });
    const first = run.checks.find((c) => c.title === lab.starterFails);
    expect(first?.state).toBe('failed');
    expect(first?.guide).toBe('labs/04-resize-sharp/README.md#step-6-answer-with-201-or-200');
    expect(first?.hint).toMatch(/^the handler in src\/functions\/thumbnails\.ts is still the placeholder/);
    expect(run.checks.find((c) => c.title.startsWith('a width that is not a whole number'))?.state).toBe('passed');
  });

  it('lab 04 answering 200 for a new thumbnail, and refusing a bomb only when decoding, gets hints for both (the walkthrough)', async () => {
    const lab = findLab(labs, '04');
    const dir = copyWith(solutionDir(lab), 'lab04-200-no-size-check', 'src/functions/thumbnails.ts', (text) =>
      text.replace('status: created ? 201 : 200,', 'status: 200,'),
    );
    const lib = join(dir, 'src/lib/thumbnail.ts');
    const withCheck = readFileSync(lib, 'utf8');
    const withoutCheck = withCheck.replace(/  if \(pixels > MAX_INPUT_PIXELS\) \{[\s\S]*?\n  \}\n/, '');
    expect(withoutCheck).not.toBe(withCheck);
    writeFileSync(lib, withoutCheck);
    const run = await runChecks({ lab, appDir: dir, typecheck: false });
    const first = run.checks.find((c) => c.title === lab.starterFails);
    expect(first?.state).toBe('failed');
    expect(first?.guide).toContain('#step-6-answer-with-201-or-200');
    expect(first?.hint).toMatch(/^It answered 200 for a thumbnail that did not exist yet/);
    const bomb = run.checks.find((c) => c.title.startsWith('a PNG whose header claims'));
    expect(bomb?.state).toBe('failed');
    expect(bomb?.hint).toMatch(/^The 422 came from decoding, not from a size check/);
  });

  it('lab 13 with the report never sent names the line where the record is built, not only the file (a walkthrough wish)', async () => {
    const lab = findLab(labs, '13');
    const file = 'src/functions/thumbnail-orchestrator.ts';
    const dir = copyWith(solutionDir(lab), 'lab13-no-report', file, (text) =>
      text.replace('  context.df.signalEntity(usage, RECORD, record);\n', ''),
    );
    const line = readFileSync(join(dir, file), 'utf8').split('\n').indexOf('  const record: UsageRecord = {') + 1;
    expect(line).toBeGreaterThan(0);
    const check = await failedCheck(lab, dir, 'a thumbnail job reports its usage');
    expect(describeFailure(check.error!)).toContain(`(${file}, below the record built at line ${line})`);
  });
});
