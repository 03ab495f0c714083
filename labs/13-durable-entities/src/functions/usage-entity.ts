import * as df from 'durable-functions';
import type { EntityContext, EntityHandler } from 'durable-functions';
import {
  applyRecord,
  checkRequested,
  checkUsageRecord,
  checkUsageState,
  emptyUsage,
  GET_USAGE,
  parseQuota,
  RECORD,
  RESERVE,
  RESET,
  reserve,
  USAGE_ENTITY,
  usageReport,
  type ContainerUsage,
} from '../lib/usage.ts';

/**
 * The entity `containerUsage`: one per container (its key), counting what the thumbnail jobs
 * did there, against a quota.
 *
 *   reserve  (a call: the job needs the answer)  input: images wanted → QuotaGrant
 *   record   (a signal: the job only reports)    input: UsageRecord  → nothing
 *   get      (a call, or read its state from a client)                → UsageReport
 *   reset    (a signal)                                              → the entity is deleted
 *
 * The host runs an entity's operations one at a time, in the order they arrive, each on the
 * state the last one left: no two jobs ever read the same count and both write "count + n".
 * That is also its limit: one entity does one thing at a time, so a container whose every job
 * waits on its entity makes every job wait in line.
 *
 * An operation that throws leaves the state as it was (nothing was set before the throw), and
 * a caller gets the error; a signal's sender gets nothing. Anyone who can reach the entity's
 * HTTP route (POST /runtime/webhooks/durabletask/entities/containerUsage/{key}?op=…) can send
 * any operation with any input, so every input is checked.
 */
export const containerUsage: EntityHandler<ContainerUsage> = (context: EntityContext<ContainerUsage>) => {
  const usage = checkUsageState(context.df.getState(emptyUsage));
  // Read on every operation, so a changed setting applies from the next operation on. Only the
  // operations that need it fail when it is wrong: a job's report is never lost to a bad setting.
  const quota = () => {
    const setting = parseQuota(process.env['THUMBNAIL_QUOTA']);
    if (!setting.valid) throw new Error(setting.reason);
    return setting.value;
  };
  const operation = context.df.operationName;
  switch (operation) {
    case RESERVE: {
      const requested = checkRequested(context.df.getInput());
      if (!requested.valid) throw new Error(requested.reason);
      const next = reserve(usage, requested.value, quota());
      context.df.setState(next.usage);
      context.df.return(next.grant);
      return;
    }
    case RECORD: {
      const record = checkUsageRecord(context.df.getInput());
      if (!record.valid) throw new Error(record.reason);
      context.df.setState(applyRecord(usage, record.value));
      return;
    }
    case GET_USAGE:
      context.df.return(usageReport(usage, quota()));
      return;
    case RESET:
      context.df.destructOnExit();
      return;
    default:
      throw new Error(
        `The entity ${USAGE_ENTITY} has no operation "${operation ?? ''}": use ${RESERVE}, ` +
          `${RECORD}, ${GET_USAGE} or ${RESET}.`,
      );
  }
};

df.app.entity(USAGE_ENTITY, containerUsage);
