// @ts-check
// A small TypeDoc plugin for the workshop's docs site (`npm run docs`). Plain JavaScript so
// that TypeDoc loads it as it is. It names things and fixes two details of the markdown; it
// renders nothing of its own.
//
// - A document without a `title` frontmatter is named after its first `# heading` instead of
//   its file name, so the lab guides (labs/NN-*/README.md) appear under their titles, not as
//   "README", and need no frontmatter: GitHub shows them as they are.
// - The API reference's modules are named after their package (`@workshop/host`, not
//   `host/src`), and a package's README.md becomes its module's page, as with TypeDoc's
//   "packages" strategy — without building one TypeScript program per package — and links
//   to that README lead to that page.
// - The navigation lists the guide first, and puts the API reference's modules (`@workshop/*`:
//   what the workshop's tools are built on, for contributors) in a folder of their own at the
//   end, so a learner's list is the guide's pages only.
// - Markdown: a code block without a language is plain text (the guides' diagrams and
//   tables), not TypeScript; and a heading's `code` stays in its anchor and in "On This
//   Page" (TypeDoc 0.28 keeps only a heading's plain text there).
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, Converter, DefaultTheme, MinimalSourceFile, ReflectionKind, RendererEvent } from 'typedoc';

/** The navigation folder that holds the `@workshop/*` modules. */
const REFERENCE_FOLDER = 'Reference (for contributors)';

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));

/** @param {Application} app */
export function load(app) {
  // TypeDoc reads its options again after loading plugins: set the loader once that is done.
  app.on(Application.EVENT_BOOTSTRAP_END, () => {
    const previousLoader = app.options.getValue('markdownItLoader');
    app.options.setValue('markdownItLoader', (/** @type {any} */ parser) => {
      previousLoader(parser);
      parser.core.ruler.push('workshop-docs', (/** @type {any} */ state) => {
        state.tokens.forEach((/** @type {any} */ token, /** @type {number} */ i) => {
          if (token.type === 'fence' && token.info.trim() === '') token.info = 'text';
          if (token.type === 'inline' && state.tokens[i - 1]?.type === 'heading_open') {
            // TypeDoc reads a heading's text from `text` tokens only; the renderer ignores these children.
            for (const child of token.children ?? []) {
              if (child.type === 'code_inline') child.children = [{ type: 'text', content: child.content }];
            }
          }
        });
      });
    });
  });

  app.renderer.on(RendererEvent.BEGIN, () => {
    const theme = app.renderer.theme;
    if (!(theme instanceof DefaultTheme)) return;
    const buildNavigation = theme.buildNavigation.bind(theme);
    theme.buildNavigation = (project) => {
      const elements = buildNavigation(project);
      const isModule = (/** @type {{ kind?: number }} */ element) => element.kind === ReflectionKind.Module;
      const modules = elements.filter(isModule);
      if (modules.length === 0) return elements;
      return [...elements.filter((element) => !isModule(element)), { text: REFERENCE_FOLDER, children: modules }];
    };
  });

  app.converter.on(Converter.EVENT_CREATE_DOCUMENT, (_context, doc) => {
    // TypeDoc names a document after its `title` frontmatter, else its file; only the latter is renamed.
    const path = app.files.getReflectionPath(doc);
    if (!path || doc.name !== basename(path, extname(path))) return;
    const first = doc.content[0];
    const heading = first?.kind === 'text' ? /^# +(.+)$/.exec(first.text.split('\n', 1)[0] ?? '') : null;
    if (heading?.[1]) doc.name = heading[1].replaceAll('`', '').trim();
  });

  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getChildrenByKind(ReflectionKind.Module)) {
      // With the "resolve" strategy a module is named by its path: `host/src` for shared/host/src/index.ts.
      const packageDir = join(repoRoot, 'shared', module.name.replace(/\/src$/, ''));
      const packageJson = join(packageDir, 'package.json');
      if (!existsSync(packageJson)) continue;
      module.name = JSON.parse(readFileSync(packageJson, 'utf8')).name;
      const readme = join(packageDir, 'README.md');
      if (existsSync(readme) && !module.readme) {
        const file = new MinimalSourceFile(readFileSync(readme, 'utf8'), readme);
        module.readme = app.converter.parseRawComment(file, context.project.files).content;
        // A link to shared/host/README.md (from the repository's README) leads to this page.
        context.project.files.registerReflectionPath(/** @type {any} */ (readme.replaceAll('\\', '/')), module);
      }
    }
  });
}
