// The durable client's entity operations, as the extension's DurableClient performs them on the
// Azure Storage provider: a signal is a RequestMessage in an EventRaised "op" sent to the
// entity's control queue (no parent, default Timestamp/Predecessor: it bypasses the sorter);
// reading and listing go through the Instances rows the way DTFx's EntityTrackingStoreQueries
// reads them (the state is the SchedulerState's `state`, the last operation time the row's
// CreatedTime, which every batch advances).

import { randomUUID } from 'node:crypto';
import { odata } from '@azure/data-tables';
import type { DurableEngine } from '../engine.ts';
import { EventType, newEvent } from '../history.ts';
import { instanceQuery } from '../client.ts';
import { storageContinuation } from '../management-query.ts';
import type { InstanceRow } from '../task-hub-storage.ts';
import { parseSchedulerId, schedulerId, validateEntityId } from './entity-id.ts';
import { formatTicks, MIN_DATE, parseSchedulerState, REQUEST_EVENT, requestJson } from './messages.ts';
import { ClientError } from '../client-error.ts';
import { unknownEntityMessage } from './scheduler.ts';

export type EntityClientEngine = Pick<
  DurableEngine,
  'storage' | 'clock' | 'busy' | 'sendToInstance' | 'entityFunctions'
>;

/** DurableEntityStatus.cs, as the list route answers it. */
export interface EntityStatusPayload {
  entityId: { name: string; key: string };
  lastOperationTime: string;
  state: unknown;
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export class EntityClient {
  readonly #engine: EntityClientEngine;

  constructor(engine: EntityClientEngine) {
    this.#engine = engine;
  }

  /** SignalEntityAsync: `input` is the operation input as JSON text, or null. */
  async signal(name: string, key: string, operation: string, input: string | null): Promise<void> {
    validateEntityId(name, key);
    const known = this.#engine.entityFunctions;
    if (![...known.keys()].includes(name.toLowerCase()))
      throw new ClientError(400, unknownEntityMessage(name.toLowerCase(), known.values()));
    const request = {
      op: operation,
      signal: true,
      input,
      id: randomUUID(),
      Timestamp: formatTicks(MIN_DATE),
      Predecessor: formatTicks(MIN_DATE),
    };
    const target = schedulerId(name, key);
    await this.#engine.busy(async () => {
      await this.#engine.storage.init();
      await this.#engine.sendToInstance(
        { InstanceId: target, ExecutionId: '' },
        newEvent(EventType.EventRaised, this.#engine.clock.now(), { Name: REQUEST_EVENT, Input: requestJson(request) }),
      );
    });
  }

  /** ReadEntityStateAsync: the state's JSON text, or undefined when the entity has none. */
  async readState(name: string, key: string): Promise<string | undefined> {
    validateEntityId(name, ''); // the extension checks the name only when it reads
    await this.#engine.storage.init();
    const row = await this.#engine.storage.getInstance(schedulerId(name, key));
    if (!row) return undefined;
    return (await this.#stateOf(row)) ?? undefined;
  }

  async #stateOf(row: InstanceRow): Promise<string | null> {
    const input = await this.#engine.storage.resolveLarge(row.input);
    return parseSchedulerState(input).state ?? null;
  }

  /**
   * ListEntitiesAsync (EntityTrackingStoreQueries.QueryEntitiesAsync): the entities whose id starts
   * with `@{name}@` (every entity without a name) that exist: by their custom status without
   * `fetchState`, by their state with it.
   */
  async list(query: {
    name?: string;
    lastOperationTimeFrom?: Date;
    lastOperationTimeTo?: Date;
    top?: number;
    fetchState: boolean;
    continuation?: string;
  }): Promise<{ entities: EntityStatusPayload[]; continuation?: string }> {
    let continuation = storageContinuation(query.continuation);
    await this.#engine.storage.init();
    const prefix = query.name ? `@${query.name.toLowerCase()}@` : '@';
    let filter = instanceQuery({
      instanceIdPrefix: prefix,
      ...(query.lastOperationTimeFrom ? { createdTimeFrom: query.lastOperationTimeFrom } : {}),
    });
    filter += ' and ' + odata`CreatedTime le ${query.lastOperationTimeTo ?? this.#engine.clock.now()}`;
    const top = query.top ?? 100;
    const entities: EntityStatusPayload[] = [];
    // Pages that hold no existing entity are read on, as the extension re-queries empty pages.
    for (let pages = 0; pages < 20; pages++) {
      const page = await this.#engine.storage.listInstances(filter, top, continuation);
      continuation = page.continuation;
      for (const row of page.rows) {
        const state = query.fetchState ? await this.#stateOf(row) : null;
        const exists = query.fetchState ? state !== null : (row.customStatus ?? '').includes('entityExists');
        if (!exists) continue;
        entities.push({
          entityId: parseSchedulerId(row.instanceId),
          lastOperationTime: row.createdTime.toISOString(),
          state: state === null ? null : parseJsonOrText(state),
        });
      }
      if (entities.length > 0 || !continuation) break;
    }
    return continuation ? { entities, continuation } : { entities };
  }
}
