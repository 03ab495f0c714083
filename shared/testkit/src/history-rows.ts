import { eventTypeName, taskHubKey } from '@workshop/host/launcher';

/** The event type of a History row by name, whether the row stores the name or DTFx's number. */
export function eventTypeOf(raw: unknown): string {
  return typeof raw === 'number' ? eventTypeName(raw) : String(raw ?? '');
}

/**
 * An instance's rows of the `{hub}History` table, in sequence order, as Storage Explorer shows
 * them; none when the table does not exist yet. The instance id is escaped as the engine
 * escapes table keys.
 */
export async function readHistoryRows(
  connectionString: string,
  hub: string,
  instanceId: string,
): Promise<Array<Record<string, unknown>>> {
  // Loaded on first use: the checks of labs without orchestrations never read a table.
  const { TableClient } = await import('@azure/data-tables');
  const table = TableClient.fromConnectionString(connectionString, `${hub}History`, { allowInsecureConnection: true });
  const filter = `PartitionKey eq '${taskHubKey(instanceId).replaceAll("'", "''")}'`;
  const rows: Array<Record<string, unknown>> = [];
  try {
    for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) rows.push(row);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  return rows.sort((a, b) => String(a.rowKey).localeCompare(String(b.rowKey)));
}

/** JSON text, and JSON inside a JSON string (the SDK sends a string input already as JSON), as a value. */
function decodeJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' ? decodeJson(value) : value;
  } catch {
    return text;
  }
}

/**
 * The input an activity was called with, read from its `TaskScheduled` row's `Input`: DTFx stores
 * the parameter array (`[input]`, and `["\"photo.jpg\""]` for a string), so this is its first
 * element, decoded.
 */
export function activityInputOf(input: unknown): unknown {
  const parameters = decodeJson(input);
  return Array.isArray(parameters) ? decodeJson(parameters[0]) : parameters;
}
