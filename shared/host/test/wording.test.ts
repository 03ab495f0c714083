// The host's sentences around text it does not write: one full stop, never two; "a" or "an" by
// the word that follows.

import { describe, expect, it } from 'vitest';
import { sentence, withArticle } from '../src/wording.ts';

describe('sentence', () => {
  it('adds a full stop only when the text does not end a sentence already', () => {
    expect(sentence('the worker exited')).toBe('the worker exited.');
    expect(sentence('(entities and durable HTTP are not implemented)')).toBe(
      '(entities and durable HTTP are not implemented).',
    );
    expect(sentence('…which this local host does not support yet (not implemented).')).toBe(
      '…which this local host does not support yet (not implemented).',
    );
    expect(sentence('Really?')).toBe('Really?');
    expect(sentence('Stop!  ')).toBe('Stop!');
    // A sentence that ends inside a quotation or brackets has ended.
    expect(sentence("the reason was 'enough.'")).toBe("the reason was 'enough.'");
    expect(sentence('(see the log.)')).toBe('(see the log.)');
    expect(sentence('"Done."')).toBe('"Done."');
    expect(sentence('cut short…')).toBe('cut short…');
  });

  it('leaves nothing as nothing', () => {
    expect(sentence('')).toBe('');
    expect(sentence(null)).toBe('');
    expect(sentence(undefined)).toBe('');
  });
});

describe('withArticle', () => {
  it('says "an" before a vowel and "a" before a consonant', () => {
    expect(withArticle('entityTrigger')).toBe('an entityTrigger');
    expect(withArticle('EventRaised')).toBe('an EventRaised');
    expect(withArticle('ExecutionStarted')).toBe('an ExecutionStarted');
    expect(withArticle('orchestrationTrigger')).toBe('an orchestrationTrigger');
    expect(withArticle('activityTrigger')).toBe('an activityTrigger');
    expect(withArticle('blobTrigger')).toBe('a blobTrigger');
    expect(withArticle('TaskCompleted')).toBe('a TaskCompleted');
    expect(withArticle('timerTrigger')).toBe('a timerTrigger');
  });
});
