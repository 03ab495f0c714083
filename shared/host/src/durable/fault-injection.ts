// Workshop-only (lab 09): a crash between an activity's side effect and its checkpoint.
//
// DTFx runs an activity, then sends its TaskCompleted message to the orchestration's control
// queue, then deletes the work item. A worker that dies after the activity's side effect (a
// blob written) and before that message is sent leaves the work item in the queue: once its
// lease runs out, another worker runs the activity again. In Azure this happens on scale-in,
// deployments, out-of-memory kills and function timeouts; locally it almost never does.
// With `WORKSHOP_DURABLE_CRASH_AFTER_ACTIVITY=<activity name>` (comma-separated names allowed)
// the host process kills itself (SIGKILL, no clean-up) right after that activity returns and
// before its result is sent — once per scheduled task: a marker file in the system's temporary
// folder, named after the task hub, the instance, its execution and the task's id, tells the
// restarted host that this task has crashed already, so its second run completes normally.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The app setting naming the activities after which the host crashes (once per scheduled task). */
export const CRASH_AFTER_ACTIVITY_SETTING = 'WORKSHOP_DURABLE_CRASH_AFTER_ACTIVITY';

/** The activity names of the setting, lower-cased (function names are case-insensitive); empty when off. */
export function crashAfterActivities(env: NodeJS.ProcessEnv = process.env): Set<string> {
  const value = env[CRASH_AFTER_ACTIVITY_SETTING] ?? '';
  return new Set(
    value
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== ''),
  );
}

/** One scheduled activity task: which hub, instance, execution and task id. */
export interface ScheduledTaskKey {
  readonly hubName: string;
  readonly instanceId: string;
  readonly executionId: string | undefined;
  readonly taskId: number | undefined;
}

/** Where the marker of a task that has crashed the host already lives. */
export function crashMarkerPath(
  key: ScheduledTaskKey,
  dir: string = path.join(os.tmpdir(), 'workshop-durable-crashes'),
): string {
  const id = createHash('sha256')
    .update(JSON.stringify([key.hubName, key.instanceId, key.executionId ?? '', key.taskId ?? -1]))
    .digest('hex')
    .slice(0, 32);
  return path.join(dir, `${id}.crashed`);
}

/**
 * Whether the host should crash now, after this task's activity ran: true the first time for a
 * task of a listed activity (and the marker is written, so the next run of it does not crash).
 */
export function shouldCrashAfter(
  activities: ReadonlySet<string>,
  name: string,
  key: ScheduledTaskKey,
  dir?: string,
): boolean {
  if (!activities.has(name.toLowerCase())) return false;
  const marker = crashMarkerPath(key, dir);
  fs.mkdirSync(path.dirname(marker), { recursive: true });
  try {
    // 'wx': create, fail if it exists — one crash per task, even with two hosts.
    fs.writeFileSync(marker, `${new Date().toISOString()} ${key.instanceId} task #${key.taskId ?? '?'}\n`, {
      flag: 'wx',
    });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Where the test kit asks the crash switch to note the leases the host holds as it dies: a file,
 * one JSON line per lease. The checks then end those leases at once (endNotedLeases) instead of
 * waiting for them to run out: virtual time for a lease (issue #14), as a timer has it. Not set by
 * `npm start`, where the work item shows again after its whole lease.
 */
export const CRASH_LEASES_SETTING = 'WORKSHOP_DURABLE_CRASH_LEASES';

/** A queue message the host has received and not yet deleted. */
export interface HeldLease {
  queue: string;
  messageId: string;
  popReceipt: string;
}

/** Appends the leases to `file`, synchronously: nothing runs after the SIGKILL that follows. */
export function noteLeases(file: string | undefined, leases: readonly HeldLease[]): void {
  if (!file || leases.length === 0) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, leases.map((lease) => `${JSON.stringify(lease)}\n`).join(''));
}

/**
 * Ends the leases a crashed host noted in `file`: each message shows again at once, as it would
 * once its lease ran out (its dequeue count unchanged). A lease renewed or ended since it was
 * noted is left to run out. Resolves to how many were ended.
 */
export async function endNotedLeases(file: string, connectionString: string): Promise<number> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
    fs.rmSync(file, { force: true });
  } catch {
    return 0;
  }
  const leases = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as HeldLease);
  if (leases.length === 0) return 0;
  // Loaded here, after a crash: the test kit's process imports this module on every check run.
  const { QueueClient } = await import('@azure/storage-queue');
  const ended = await Promise.all(
    leases.map((lease) =>
      new QueueClient(connectionString, lease.queue)
        .updateMessage(lease.messageId, lease.popReceipt, undefined, 0)
        .then(
          () => true,
          () => false,
        ),
    ),
  );
  return ended.filter(Boolean).length;
}

/** Ends this process at once, as a machine that disappears would: SIGKILL, no handlers, no clean-up. */
export function crashNow(): never {
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL is delivered before this line runs; should it not be, leave all the same.
  process.exit(137);
}
