// The TypeScript compiler on one app folder (its own tsconfig.json), as `tsc --noEmit` would run
// it: the type errors, and the orchestrators that are not generator functions (async/await
// instead of function*/yield). Run as a child process by type-errors.ts while the checks run:
// `node scripts/lib/typecheck-app.ts <appDir>` prints the report as JSON.

import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { cacheFolder, writeWhole } from '@workshop/host/disk-cache';

export interface TypeDiagnostic {
  /** Absolute path. */
  file: string;
  line: number;
  column: number;
  code: number;
  message: string;
}

export interface NotAGenerator {
  /** The orchestrator's name as registered, or the handler's text when the name is not a literal. */
  name: string;
  file: string;
  line: number;
  /** e.g. "is an async function". */
  what: string;
}

export interface TypecheckReport {
  /** Every error, in the compiler's order. */
  errors: TypeDiagnostic[];
  notGenerators: NotAGenerator[];
}

function unwrap(node: ts.Expression): ts.Expression {
  let current = node;
  while (
    ts.isParenthesizedExpression(current) ||
    ts.isAsExpression(current) ||
    ts.isSatisfiesExpression(current) ||
    ts.isTypeAssertionExpression(current) ||
    ts.isNonNullExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

type FunctionNode = ts.FunctionExpression | ts.ArrowFunction | ts.FunctionDeclaration | ts.MethodDeclaration;

/** The function a handler expression stands for: written in place, or the declaration a name leads to. */
function functionOf(node: ts.Node | undefined, checker: ts.TypeChecker, depth = 0): FunctionNode | undefined {
  if (!node || depth > 5) return undefined;
  if (ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isFunctionDeclaration(node)) return node;
  if (ts.isMethodDeclaration(node)) return node;
  if (ts.isVariableDeclaration(node))
    return node.initializer ? functionOf(unwrap(node.initializer), checker, depth + 1) : undefined;
  if (ts.isPropertyAssignment(node)) return functionOf(unwrap(node.initializer), checker, depth + 1);
  if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node) || ts.isShorthandPropertyAssignment(node)) {
    let symbol = ts.isShorthandPropertyAssignment(node)
      ? checker.getShorthandAssignmentValueSymbol(node)
      : checker.getSymbolAtLocation(node);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return functionOf(symbol?.valueDeclaration, checker, depth + 1);
  }
  if (ts.isObjectLiteralExpression(node)) {
    const handler = node.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'handler');
    return functionOf(handler, checker, depth + 1);
  }
  return undefined;
}

function isAsync(fn: FunctionNode): boolean {
  return (ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Async) !== 0;
}

/** `df.app.orchestration(name, handler)` (or `app.orchestration`) whose handler is not a generator function. */
function findNotGenerators(program: ts.Program, appDir: string): NotAGenerator[] {
  const checker = program.getTypeChecker();
  const found: NotAGenerator[] = [];
  for (const source of program.getSourceFiles()) {
    if (source.isDeclarationFile || !resolve(source.fileName).startsWith(appDir)) continue;
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === 'orchestration' &&
        node.arguments.length >= 2
      ) {
        const fn = functionOf(unwrap(node.arguments[1]!), checker);
        const generator = fn && !ts.isArrowFunction(fn) && fn.asteriskToken !== undefined;
        if (fn && (isAsync(fn) || !generator)) {
          const what =
            isAsync(fn) && generator
              ? 'is an async generator function (`async function*`)'
              : isAsync(fn)
                ? 'is an async function'
                : 'is not a generator function';
          const nameType = checker.getTypeAtLocation(node.arguments[0]!);
          const name = nameType.isStringLiteral() ? nameType.value : node.arguments[0]!.getText(source);
          const at = fn.getSourceFile().getLineAndCharacterOfPosition(fn.getStart());
          found.push({ name, file: resolve(fn.getSourceFile().fileName), line: at.line + 1, what });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/**
 * Where the compiler keeps what it learnt about an app folder between runs (its .tsbuildinfo, as
 * `tsc --incremental` writes it): node_modules/.cache/workshop-typecheck, one file per folder.
 */
function buildInfoFile(dir: string): string {
  const name = `${createHash('sha256').update(dir).digest('hex').slice(0, 16)}.tsbuildinfo`;
  return join(cacheFolder('workshop-typecheck')!, name);
}

/** The compiler's state from an earlier run; none when there was none or it cannot be read. */
function readBuildInfo(options: ts.CompilerOptions, host: ts.CompilerHost) {
  try {
    return ts.readBuilderProgram(options, host);
  } catch {
    return undefined;
  }
}

/**
 * A compiler for one app folder that can run again: unchanged files (the libraries' type
 * declarations, 400 files and most of the time) are neither read into new trees nor bound again,
 * so a run after a save costs a fraction of the first (watch mode). Between processes, the
 * compiler's own incremental state (.tsbuildinfo, buildInfoFile) keeps each file's diagnostics:
 * a run that finds a file unchanged does not check it again (issue #14).
 */
export function typechecker(appDir: string): () => TypecheckReport {
  const dir = resolve(appDir);
  const parseHost: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  };
  const cache = new Map<string, { text: string; file: ts.SourceFile }>();
  let previous: ts.EmitAndSemanticDiagnosticsBuilderProgram | undefined;
  return () => {
    const config = ts.getParsedCommandLineOfConfigFile(
      join(dir, 'tsconfig.json'),
      { noEmit: true, incremental: true, tsBuildInfoFile: buildInfoFile(dir) },
      parseHost,
    );
    if (!config) throw new Error(`No tsconfig.json in ${dir}`);
    const host = ts.createIncrementalCompilerHost(config.options);
    // Two runs on one folder at once (two terminals, npm test beside a learner's run) never read half a .tsbuildinfo.
    host.writeFile = writeWhole;
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, language, onError, shouldCreate) => {
      const text = host.readFile(fileName);
      const cached = cache.get(fileName);
      if (text !== undefined && cached && cached.text === text && !shouldCreate) return cached.file;
      const file = read(fileName, language, onError, shouldCreate);
      if (file && text !== undefined) cache.set(fileName, { text, file });
      return file;
    };
    const builder = ts.createEmitAndSemanticDiagnosticsBuilderProgram(
      config.fileNames,
      config.options,
      host,
      previous ?? readBuildInfo(config.options, host),
      ts.getConfigFileParsingDiagnostics(config),
    );
    previous = builder;
    const program = builder.getProgram();
    // As tsc does: while a file does not parse, its syntax errors are all there is to say; the
    // type errors that follow from them (a function cut short by a stray brace) only mislead.
    const syntax = builder.getSyntacticDiagnostics();
    const diagnostics =
      syntax.length > 0
        ? syntax
        : [
            ...builder.getConfigFileParsingDiagnostics(),
            ...builder.getOptionsDiagnostics(),
            ...builder.getGlobalDiagnostics(),
            ...builder.getSemanticDiagnostics(),
          ];
    // With noEmit, this writes only the .tsbuildinfo (a folder that cannot be written: no cache, same report).
    try {
      builder.emit();
    } catch {
      // checked all the same
    }
    const errors = diagnostics
      .filter((d) => d.category === ts.DiagnosticCategory.Error)
      .map((d): TypeDiagnostic => {
        const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
        return {
          file: d.file ? resolve(d.file.fileName) : join(dir, 'tsconfig.json'),
          line: (at?.line ?? 0) + 1,
          column: (at?.character ?? 0) + 1,
          code: d.code,
          message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
        };
      });
    return { errors, notGenerators: findNotGenerators(program, dir) };
  };
}

export function typecheckApp(appDir: string): TypecheckReport {
  return typechecker(appDir)();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const appDir = process.argv[2];
  if (!appDir) {
    process.stderr.write('Usage: node scripts/lib/typecheck-app.ts <appDir> [--serve]\n');
    process.exit(2);
  }
  if (process.argv.includes('--serve') && process.send) {
    // Watch mode: one report per request over IPC, the compiler kept warm between them.
    const check = typechecker(appDir);
    process.on('message', (request: { id: number }) => {
      let report: TypecheckReport | undefined;
      try {
        report = check();
      } catch {
        report = undefined;
      }
      process.send!({ id: request.id, report });
    });
    process.on('disconnect', () => process.exit(0));
  } else {
    process.stdout.write(JSON.stringify(typecheckApp(appDir)));
  }
}
