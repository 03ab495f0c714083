import { describe, expect, it } from 'vitest';
import {
  bindTemplate,
  BindingExpressionError,
  formatDateTime,
  resolveAppSettings,
  resolveBindingExpression,
  systemBindingData,
} from '../src/bindings/binding-expressions.ts';
import { parseBlobPath } from '../src/bindings/blob.ts';

const data = {
  name: 'photo.jpg',
  Query: { Size: 'small', n: '3' },
  Headers: { 'x-id': 'abc' },
  nested: { Inner: { value: 7 } },
  flag: true,
  sys: systemBindingData('resize'),
};

describe('binding expressions', () => {
  it('resolves names, dotted paths and dictionaries case-insensitively', () => {
    expect(bindTemplate('samples/{name}', data)).toBe('samples/photo.jpg');
    expect(bindTemplate('samples/{NAME}', data)).toBe('samples/photo.jpg');
    expect(bindTemplate('out/{query.size}/{Query.N}', data)).toBe('out/small/3');
    expect(bindTemplate('{Headers.X-ID}', data)).toBe('abc');
    expect(bindTemplate('{nested.inner.VALUE}', data)).toBe('7');
    expect(bindTemplate('{flag}', data)).toBe('True');
  });

  it('keeps literal text and {{ }} escapes', () => {
    expect(bindTemplate('a{{b}}c', data)).toBe('a{b}c');
    expect(bindTemplate('plain/path.txt', {})).toBe('plain/path.txt');
  });

  it('has rand-guid and DateTime built in, with formats', () => {
    expect(bindTemplate('{rand-guid}', {})).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(bindTemplate('{rand-guid:N}', {})).toMatch(/^[0-9a-f]{32}$/);
    expect(bindTemplate('{RAND-GUID}', {})).toMatch(/^[0-9a-f-]{36}$/);
    expect(bindTemplate('{DateTime}', {})).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    expect(bindTemplate('{datetime:yyyy}', {})).toBe(String(new Date().getUTCFullYear()));
    expect(bindTemplate('{sys.randguid}', data)).toMatch(/^[0-9a-f-]{36}$/);
    expect(bindTemplate('{sys.MethodName}', data)).toBe('resize');
  });

  it('lets binding data shadow the built-ins', () => {
    expect(bindTemplate('{DateTime}', { DateTime: 'mine' })).toBe('mine');
  });

  it('formats dates like .NET custom formats (UTC)', () => {
    const d = new Date(Date.UTC(2026, 10, 7, 5, 4, 3, 21));
    expect(formatDateTime(d, 'yyyy-MM-ddTHH-mm-ssK')).toBe('2026-11-07T05-04-03Z');
    expect(formatDateTime(d, "yyyy/M/d 'at' h:mm tt fff")).toBe('2026/11/7 at 5:04 AM 021');
  });

  it('reports what it cannot resolve with the SDK messages', () => {
    expect(() => bindTemplate('{missing}', data)).toThrow("No value for named parameter 'missing'.");
    expect(() => bindTemplate('{Query.nope}', data)).toThrow("Error while accessing 'nope': property doesn't exist.");
    expect(() => bindTemplate('a{b', data)).toThrow("Invalid template 'a{b'. Missing closing bracket at position 2.");
    expect(() => bindTemplate('a}b', data)).toThrow(BindingExpressionError);
    expect(() => bindTemplate('{}', data)).toThrow(/The parameter name at position 1 is empty/);
    expect(() => bindTemplate('{my-name}', data)).toThrow(/The parameter name 'my-name' is invalid/);
  });

  it('substitutes %app settings% first', () => {
    const settings: Record<string, string> = { InputContainer: 'samples' };
    expect(resolveAppSettings('%InputContainer%/{name}', (n) => settings[n])).toBe('samples/{name}');
    expect(resolveBindingExpression('%InputContainer%/{name}', data, (n) => settings[n])).toBe('samples/photo.jpg');
    expect(() => resolveAppSettings('%Nope%/x', () => undefined)).toThrow("'%Nope%' does not resolve to a value.");
  });
});

describe('blob paths', () => {
  it('splits container and blob name at the first slash', () => {
    expect(parseBlobPath('samples/a/b/c.png')).toEqual({ container: 'samples', blobName: 'a/b/c.png' });
    expect(() => parseBlobPath('samples')).toThrow(
      "Invalid blob path specified : 'samples'. Blob identifiers must be in the format 'container/blob'.",
    );
    expect(() => parseBlobPath('samples/')).toThrow(/Invalid blob path/);
  });

  it('validates names like the Storage extension, before touching storage', () => {
    expect(() => parseBlobPath('Samples/a.txt')).toThrow('Invalid container name: Samples');
    expect(() => parseBlobPath('ab/a.txt')).toThrow('Invalid container name: ab');
    expect(() => parseBlobPath('samples/photo.')).toThrow(
      "The given blob name 'photo.' has an invalid suffix. Avoid blob names that end with a dot ('.'), a forward slash ('/'), or a sequence or combination of the two.",
    );
    expect(() => parseBlobPath('samples/a\\b')).toThrow(/contain illegal characters/);
    expect(() => parseBlobPath(`samples/${'x'.repeat(1025)}`)).toThrow(/is too long/);
    expect(parseBlobPath('$root/a')).toEqual({ container: '$root', blobName: 'a' });
  });
});
