/**
 * How the test kit says that an orchestrator loops without yielding (durable.ts runawayProblem);
 * the verdict (scripts/lib/orchestrator-mistake.ts) recognises the mistake by it. A module of its
 * own, so that the verdict does not load the test kit to read one sentence.
 */
export const NEVER_YIELDS = 'in one episode without giving control back: a loop that never yields';
