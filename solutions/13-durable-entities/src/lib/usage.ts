/**
 * A container's usage: how many images its thumbnail jobs processed, against a quota. The
 * entity `containerUsage` keeps it, one entity per container (its key is the container's name).
 * Everything here is pure (no I/O, no clock), so the entity, the orchestrator and the HTTP
 * function share one set of rules.
 */
import * as df from 'durable-functions';

/** The entity function's name. The orchestrator and the client address entities by name: keep it here. */
export const USAGE_ENTITY = 'containerUsage';

/** The entity's operations. */
export const RESERVE = 'reserve';
export const RECORD = 'record';
export const GET_USAGE = 'get';
export const RESET = 'reset';

/** How many images a container may process, unless the app setting THUMBNAIL_QUOTA says otherwise. */
export const DEFAULT_QUOTA = 1000;
export const MAX_QUOTA = 1_000_000;

/** The entity's id for a container: `@containerusage@<container>` in the task hub. */
export function usageEntityId(container: string): df.EntityId {
  return new df.EntityId(USAGE_ENTITY, container);
}

/**
 * The entity's state. Counts only: every operation reads and writes the whole state (and the
 * task hub stores it on every batch), so it must not grow with the work it counts.
 */
export interface ContainerUsage {
  /** Jobs that reported their usage. */
  readonly jobs: number;
  /** Thumbnails made. */
  readonly thumbnails: number;
  /** Images that got no thumbnail. */
  readonly failed: number;
  /** Bytes of thumbnails written. */
  readonly bytes: number;
  /** Images granted to jobs that have not reported yet: they count against the quota. */
  readonly reserved: number;
  /** When the last job that reported started, by its orchestration's clock (ISO 8601); null before the first. */
  readonly lastJobAt: string | null;
}

export function emptyUsage(): ContainerUsage {
  return { jobs: 0, thumbnails: 0, failed: 0, bytes: 0, reserved: 0, lastJobAt: null };
}

/** What `get` answers, and GET /api/usage shows: the state, the quota and what is left of it. */
export interface UsageReport extends ContainerUsage {
  readonly quota: number;
  /** Images the container may still process: quota − thumbnails − failed − reserved, at least 0. */
  readonly remaining: number;
}

export function usageReport(usage: ContainerUsage, quota: number): UsageReport {
  return { ...usage, quota, remaining: Math.max(0, quota - usage.thumbnails - usage.failed - usage.reserved) };
}

/** What `reserve` answers: how many of the requested images the job may process. */
export interface QuotaGrant {
  readonly requested: number;
  readonly granted: number;
  readonly quota: number;
  /** What is left for the next job, after this grant. */
  readonly remaining: number;
}

/**
 * The operation `reserve`: grants as many of `requested` images as the quota has left, and
 * counts them at once as reserved. Decision and count happen in one operation, so two jobs
 * that ask at the same time can never be granted the same room.
 */
export function reserve(
  usage: ContainerUsage,
  requested: number,
  quota: number,
): { usage: ContainerUsage; grant: QuotaGrant } {
  const before = usageReport(usage, quota).remaining;
  const granted = Math.min(requested, before);
  return {
    usage: { ...usage, reserved: usage.reserved + granted },
    grant: { requested, granted, quota, remaining: before - granted },
  };
}

/** The input of `record`: what one job did with the images it was granted. */
export interface UsageRecord {
  /** The images the job was granted by `reserve`: their reservation ends now. */
  readonly granted: number;
  readonly thumbnails: number;
  readonly failed: number;
  readonly bytes: number;
  /** When the job started, from context.df.currentUtcDateTime (ISO 8601). */
  readonly at: string;
}

/** The operation `record`: the job's counts are added, and its reservation released. */
export function applyRecord(usage: ContainerUsage, record: UsageRecord): ContainerUsage {
  return {
    jobs: usage.jobs + 1,
    thumbnails: usage.thumbnails + record.thumbnails,
    failed: usage.failed + record.failed,
    bytes: usage.bytes + record.bytes,
    reserved: Math.max(0, usage.reserved - record.granted),
    lastJobAt: usage.lastJobAt === null || record.at > usage.lastJobAt ? record.at : usage.lastJobAt,
  };
}

export type Checked<T> =
  { readonly valid: true; readonly value: T } | { readonly valid: false; readonly reason: string };

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value;
}

/**
 * Checks the input of `reserve`: a whole number of images. Anyone who can reach the entity's
 * HTTP route can send an operation, so the entity checks every input.
 */
export function checkRequested(input: unknown): Checked<number> {
  return isCount(input)
    ? { valid: true, value: input }
    : { valid: false, reason: `"${RESERVE}" takes a whole number of images, such as 7.` };
}

/** Checks the input of `record`. A new object: fields it does not know are left behind. */
export function checkUsageRecord(input: unknown): Checked<UsageRecord> {
  const example = '{"granted":7,"thumbnails":5,"failed":2,"bytes":12345,"at":"2026-12-06T09:30:00.000Z"}';
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { valid: false, reason: `"${RECORD}" takes a JSON object, such as ${example}.` };
  }
  const { granted, thumbnails, failed, bytes, at } = input as Record<string, unknown>;
  if (!isCount(granted) || !isCount(thumbnails) || !isCount(failed) || !isCount(bytes)) {
    return {
      valid: false,
      reason: `"${RECORD}": granted, thumbnails, failed and bytes must be whole numbers from 0, as in ${example}.`,
    };
  }
  if (!isIsoDate(at)) return { valid: false, reason: `"${RECORD}": "at" must be an ISO 8601 date, as in ${example}.` };
  return { valid: true, value: { granted, thumbnails, failed, bytes, at } };
}

/**
 * The stored state as the entity reads it back: a state that is not a usage (written by an
 * older version of the app, say) starts again from zero rather than failing every operation.
 */
export function checkUsageState(state: unknown): ContainerUsage {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return emptyUsage();
  const { jobs, thumbnails, failed, bytes, reserved, lastJobAt } = state as Record<string, unknown>;
  if (!isCount(jobs) || !isCount(thumbnails) || !isCount(failed) || !isCount(bytes) || !isCount(reserved)) {
    return emptyUsage();
  }
  return { jobs, thumbnails, failed, bytes, reserved, lastJobAt: isIsoDate(lastJobAt) ? lastJobAt : null };
}

/** Checks an answer of `reserve`, as the orchestrator gets it. */
export function checkQuotaGrant(answer: unknown): Checked<QuotaGrant> {
  if (typeof answer === 'object' && answer !== null && !Array.isArray(answer)) {
    const { requested, granted, quota, remaining } = answer as Record<string, unknown>;
    if (isCount(requested) && isCount(granted) && isCount(quota) && isCount(remaining) && granted <= requested) {
      return { valid: true, value: { requested, granted, quota, remaining } };
    }
  }
  if (isUnyieldedTask(answer)) {
    return {
      valid: false,
      reason: `"${RESERVE}" answered a Task, not its result: yield context.df.callEntity(…) to get the grant.`,
    };
  }
  return { valid: false, reason: `"${RESERVE}" answered ${JSON.stringify(answer)}, which is not a quota grant.` };
}

/** The SDK's Task object (what callEntity returns before it is yielded): it carries the action it stands for. */
function isUnyieldedTask(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const action = (value as { action?: unknown }).action;
  return typeof action === 'object' && action !== null && 'actionType' in action;
}

/**
 * The quota from the app setting THUMBNAIL_QUOTA: absent or blank → 1000; otherwise a whole
 * number from 0 to 1,000,000. A setting that is not one is an error of the app's configuration.
 */
export function parseQuota(setting: string | undefined): Checked<number> {
  if (setting === undefined || setting.trim() === '') return { valid: true, value: DEFAULT_QUOTA };
  const quota = /^\d{1,7}$/.test(setting.trim()) ? Number(setting.trim()) : Number.NaN;
  return Number.isInteger(quota) && quota <= MAX_QUOTA
    ? { valid: true, value: quota }
    : { valid: false, reason: `THUMBNAIL_QUOTA must be a whole number from 0 to ${MAX_QUOTA}, not "${setting}".` };
}
