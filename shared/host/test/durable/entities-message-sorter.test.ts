// The MessageSorter an entity runs its requests through (entities/messages.ts): each sender's
// requests in the order it sent them, duplicates dropped, and never a request held for good
// because a crash cut its sender's episode short in the middle of its (parallel) sends.

import { describe, expect, it } from 'vitest';
import { MessageSorter, ticksOf, type RequestMessage } from '../../src/durable/entities/messages.ts';

const ENTITY = '@counter@k';
const T0 = new Date('2026-12-06T10:00:00.000Z');

/** An orchestration's requests, labelled by its own sorter as the extension's shim labels them. */
function sender(instanceId: string, sorter = new MessageSorter()) {
  return (op: string, at: Date): RequestMessage => {
    const request: RequestMessage = {
      op,
      signal: true,
      id: `${op}-${at.getTime()}`,
      parent: instanceId,
      parentExecution: 'e1',
      Timestamp: '',
      Predecessor: '',
    };
    sorter.label(request, ENTITY, ticksOf(at));
    return request;
  };
}

function deliver(entity: MessageSorter, ...requests: RequestMessage[]): string[] {
  return requests.flatMap((r) => entity.receive(r)).map((r) => r.op ?? '');
}

const later = (ms: number) => new Date(T0.getTime() + ms);

describe('the entity MessageSorter', () => {
  it("delivers a sender's requests in order, holding one that overtook its predecessor", () => {
    const send = sender('job');
    const [a, b, c] = [send('a', T0), send('b', T0), send('c', later(5))];
    const entity = new MessageSorter();
    expect(deliver(entity, a!, c!)).toEqual(['a']);
    expect(deliver(entity, b!)).toEqual(['b', 'c']);
  });

  it('drops a request delivered twice (a message that came back after its batch was saved)', () => {
    const send = sender('job');
    const a = send('a', T0);
    const entity = new MessageSorter();
    expect(deliver(entity, a, { ...a })).toEqual(['a']);
  });

  it('keeps the sorter state it persists between batches (JSON in and out)', () => {
    const send = sender('job');
    const [a, b] = [send('a', T0), send('b', later(1))];
    const first = new MessageSorter();
    expect(deliver(first, b)).toEqual([]);
    const second = new MessageSorter(JSON.parse(JSON.stringify(first.json)) as MessageSorter['json']);
    expect(deliver(second, a)).toEqual(['a', 'b']);
  });

  it('never holds a re-run episode for good: a held request from the cut-short run is dropped, not delivered backwards', () => {
    // The job's sorter as its replays rebuild it: what it sent before the episode.
    const before = sender('job', new MessageSorter());
    const earlier = before('earlier', T0);
    // The episode's first run: two signals sent in parallel; the host dies after only the second left.
    const firstRun = new MessageSorter(
      JSON.parse(JSON.stringify({ LastSentToInstance: { [ENTITY]: earlier.Timestamp } })),
    );
    const cut = sender('job', firstRun);
    cut('s1', later(1000)); // never sent
    const s2 = cut('s2', later(1000));
    // The re-run at a later time sends both again, then the job's call.
    const reRun = new MessageSorter(
      JSON.parse(JSON.stringify({ LastSentToInstance: { [ENTITY]: earlier.Timestamp } })),
    );
    const again = sender('job', reRun);
    const [s1b, s2b, call] = [again('s1', later(3000)), again('s2', later(3000)), again('call', later(4000))];

    const entity = new MessageSorter();
    expect(deliver(entity, earlier)).toEqual(['earlier']);
    expect(deliver(entity, s2)).toEqual([]); // held: its predecessor (the first run's s1) never comes
    // The extension delivers the held s2 here and moves its Last back to it, so s2 and the call
    // would then wait 30 minutes for a predecessor it has already delivered.
    expect(deliver(entity, s1b, s2b, call)).toEqual(['s1', 's2', 'call']);
  });
});
