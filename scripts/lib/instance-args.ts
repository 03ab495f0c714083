import { taskHubName } from '../../shared/testkit/src/durable.ts';
import { findLab, readManifest, solutionDir, starterDir, UsageError } from './manifest.ts';

/** The options of the commands that read one orchestration instance of a served lab. */
export const instanceOptions = {
  lab: { type: 'string' },
  solution: { type: 'boolean', default: false },
  connection: { type: 'string', default: 'UseDevelopmentStorage=true' },
  hub: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const instanceUsage = `  NN, --lab     the lab whose host.json names the task hub (default: TestHubName, the hub of an app whose host.json names none)
  --solution    read the hub of solutions/NN-* rather than labs/NN-*
  --connection  the storage account (default UseDevelopmentStorage=true: the Azurite of npm start)
  --hub         the task hub name, instead of the lab's`;

export interface InstanceTarget {
  instanceId: string;
  hub: string;
  connection: string;
}

/** Which instance, in which task hub of which storage account. */
export function instanceTarget(
  values: {
    lab?: string | undefined;
    solution?: boolean | undefined;
    connection?: string | undefined;
    hub?: string | undefined;
  },
  positionals: string[],
): InstanceTarget {
  // `NN <id>`, as npm start, hint and diff take the lab first (the walkthrough typed it so).
  const labFirst = positionals.length >= 2 && /^\d{1,2}$/.test(positionals[0]!);
  const instanceId = labFirst ? positionals[1] : positionals[0];
  if (!instanceId) throw new UsageError('Which instance? Pass its id (the "id" of the 202 answer).');
  if (labFirst && values.lab !== undefined && Number(values.lab) !== Number(positionals[0]))
    throw new UsageError(`Lab ${positionals[0]} or --lab ${values.lab}? Name the lab once.`);
  const lab = labFirst ? positionals[0] : values.lab;
  return {
    instanceId,
    hub: hubOf({ ...values, lab }),
    connection: values.connection ?? 'UseDevelopmentStorage=true',
  };
}

/** The task hub named by --hub, else by the host.json of --lab (and --solution), else TestHubName. */
export function hubOf(values: {
  lab?: string | undefined;
  solution?: boolean | undefined;
  hub?: string | undefined;
}): string {
  if (values.hub) return values.hub;
  if (!values.lab) return 'TestHubName';
  const lab = findLab(readManifest(), values.lab);
  return taskHubName(values.solution ? solutionDir(lab) : starterDir(lab));
}

/** Reads from the served lab's storage, saying what to do when Azurite is not running. */
export async function fromStorage<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code === 'ECONNREFUSED' || /ECONNREFUSED|fetch failed/.test(String((error as Error).message))) {
      throw new UsageError(
        'Storage is not reachable. Is Azurite running? Start the lab with `npm start -- NN` in another terminal.',
      );
    }
    throw error;
  }
}
