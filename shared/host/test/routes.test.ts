import { describe, expect, it } from 'vitest';
import { compileRoute, matchRoute, RouteTable, RouteTemplateError } from '../src/http/routes.ts';

const match = (template: string, path: string) => matchRoute(compileRoute(template, undefined, null), path);

describe('route templates', () => {
  it('matches literals case-insensitively and ignores a trailing slash', () => {
    expect(match('hello', 'HeLLo')).toEqual({});
    expect(match('hello', 'hello/')).toEqual({});
    expect(match('hello', 'hello/more')).toBeUndefined();
    expect(match('hello', 'bye')).toBeUndefined();
  });

  it('captures parameters, decoded', () => {
    expect(match('users/{id}/orders/{orderId}', 'users/42/orders/a%20b')).toEqual({ id: '42', orderId: 'a b' });
  });

  it('supports optional parameters and defaults', () => {
    expect(match('hello/{name?}', 'hello')).toEqual({});
    expect(match('hello/{name?}', 'hello/Ada')).toEqual({ name: 'Ada' });
    expect(match('page/{n=1}', 'page')).toEqual({ n: '1' });
    expect(match('page/{n:int=1}', 'page/7')).toEqual({ n: '7' });
  });

  it('applies inline constraints and strips them from the name', () => {
    expect(match('items/{id:int}', 'items/12')).toEqual({ id: '12' });
    expect(match('items/{id:int}', 'items/twelve')).toBeUndefined();
    expect(match('items/{id:int}', 'items/99999999999')).toBeUndefined();
    expect(match('items/{id:long}', 'items/99999999999')).toEqual({ id: '99999999999' });
    expect(match('g/{id:guid}', 'g/0f8fad5b-d9cb-469f-a165-70867728950e')).toBeDefined();
    expect(match('a/{x:alpha:minlength(2)}', 'a/ab')).toEqual({ x: 'ab' });
    expect(match('a/{x:alpha:minlength(2)}', 'a/a')).toBeUndefined();
    expect(match('r/{n:range(1,10)}', 'r/11')).toBeUndefined();
    // {{ and }} are escaped braces, so this is the regex ^[a-z]{2}\d+$
    expect(match('re/{code:regex(^[a-z]{{2}}\\d+$)}', 're/ab12')).toEqual({ code: 'ab12' });
    expect(match('re/{code:regex(^[a-z]{{2}}\\d+$)}', 're/abc12')).toBeUndefined();
    expect(match('re/{code:regex(^[a-z]+\\d+$)}', 're/AB12')).toEqual({ code: 'AB12' });
    expect(match('b/{flag:bool}', 'b/TRUE')).toEqual({ flag: 'TRUE' });
  });

  it('supports a catch-all last segment', () => {
    expect(match('files/{*path}', 'files/a/b/c.txt')).toEqual({ path: 'a/b/c.txt' });
    expect(match('files/{*path}', 'files')).toEqual({});
    // Kestrel leaves %2F escaped and routing decodes nothing more: the value keeps it.
    expect(match('files/{**path}', 'files/x%2Fy/z')).toEqual({ path: 'x%2Fy/z' });
  });

  it('keeps an encoded slash in a route value, as Kestrel does, so it cannot traverse', () => {
    expect(match('samples/{name}', 'samples/..%2F..%2Fetc%2fpasswd')).toEqual({ name: '..%2F..%2Fetc%2fpasswd' });
    expect(match('samples/{name}', 'samples/a%20b%5Cc')).toEqual({ name: 'a b\\c' });
    // A malformed escape stays as sent rather than failing the match.
    expect(match('samples/{name}', 'samples/%E0%A4%A')).toEqual({ name: '%E0%A4%A' });
  });

  it('supports complex segments', () => {
    expect(match('img/{name}.{ext}', 'img/cat.png')).toEqual({ name: 'cat', ext: 'png' });
  });

  it('rejects unknown constraints and misplaced catch-alls', () => {
    expect(() => compileRoute('x/{id:nonsense}', undefined, null)).toThrow(RouteTemplateError);
    expect(() => compileRoute('x/{*rest}/y', undefined, null)).toThrow(/catch-all/);
    expect(() => compileRoute('x/{a}/{A}', undefined, null)).toThrow(/more than one time/);
  });

  it('orders routes like the Functions host: literal before parameter, constrained first', () => {
    const table = new RouteTable<string>();
    table.add(compileRoute('items/{id}', ['GET'], 'byId'));
    table.add(compileRoute('items/{id:int}', ['GET'], 'byIntId'));
    table.add(compileRoute('items/special', ['GET'], 'special'));
    expect(table.match('items/special', 'GET')?.route.target).toBe('special');
    expect(table.match('items/5', 'GET')?.route.target).toBe('byIntId');
    expect(table.match('items/abc', 'GET')?.route.target).toBe('byId');
  });

  it('treats methods as a constraint: another route may still match', () => {
    const table = new RouteTable<string>();
    table.add(compileRoute('thing', ['GET'], 'read'));
    table.add(compileRoute('thing', ['post', 'PUT'], 'write'));
    expect(table.match('thing', 'get')?.route.target).toBe('read');
    expect(table.match('thing', 'PUT')?.route.target).toBe('write');
    expect(table.match('thing', 'DELETE')).toBeUndefined();
    expect(table.matchesOtherMethod('thing')?.target).toBe('read');
  });
});
