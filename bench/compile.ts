// Compiles src/ and bench/ into dist/ (the layout `npm run build` makes) so the benchmark's child processes run
// plain `node` on JavaScript, as the Docker image runs the bot: tsx's loader thread would add ~75 MB to every RSS.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const projectRoot = fileURLToPath(new URL("..", import.meta.url));
export const distRoot = join(projectRoot, "dist");

function typescriptFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return typescriptFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/**
 * Transpiles without type-checking (`npm run typecheck` does that), one file at a time as tsc emits them under
 * isolatedModules, so dist/src/db/migrate.js still finds ../../../migrations. Returns the path of the compiled
 * file for a given bench/ or src/ source path.
 */
export function compileForChildren(): (source: string) => string {
  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    verbatimModuleSyntax: true,
  };
  for (const file of [...typescriptFiles(join(projectRoot, "src")), ...typescriptFiles(join(projectRoot, "bench"))]) {
    const out = join(distRoot, relative(projectRoot, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions, fileName: file }).outputText);
  }
  return (source) => join(distRoot, relative(projectRoot, source)).replace(/\.ts$/, ".js");
}
