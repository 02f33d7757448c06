// The layering DESIGN.md promises, checked on every run: the domain never reaches into a surface, and no
// listener leans on another listener.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Every module specifier a file names: `… from "x"`, `import "x"` and `import("x")`; `runtime` leaves out type-only imports. */
function specifiersOf(file: string, { runtime = false } = {}): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)]
    .filter((m) => !(runtime && /^(?:import|export)\s+type\s/.test(m[0])))
    .map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** Every relative import of a file, as a path inside src/. */
function importsOf(file: string): string[] {
  return specifiersOf(file)
    .filter((s) => s.startsWith("."))
    .map((s) => relative(src, resolve(dirname(file), s)).replace(/\.js$/, ".ts"));
}

/** The package a bare specifier loads ("@slack/bolt/x" → "@slack/bolt", "drizzle-orm/pg-core" → "drizzle-orm"); undefined for Node's own modules. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith("node:") || builtinModules.includes(specifier)) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** Every file of src/ that src/main.ts (the production entry, what dist/src/main.js is compiled from) loads. */
function productionGraph(): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const target of importsOf(join(src, file))) visit(target);
  };
  visit("main.ts");
  return seen;
}

const packageJson = JSON.parse(readFileSync(join(src, "../package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The domain: everything that states what happened, independent of how any surface shows it. */
const domainFolders = ["incidents", "postmortems", "oncall", "timeline", "outbox", "scheduler", "db", "access", "home", "alerts", "metrics", "audit"];

/** The surfaces: each renders and delivers the domain's facts its own way, and none leans on another. */
const surfaceFolders = ["slack", "pagerduty", "webhooks", "outside"];
const fakeFolders = ["fake-slack", "fake-pagerduty"];

describe("the layers", () => {
  it("keeps the domain free of every surface (Slack, PagerDuty, webhooks) and of the fakes", () => {
    const offenders = domainFolders
      .flatMap((folder) => sourceFiles(join(src, folder)))
      .flatMap((file) =>
        importsOf(file)
          .filter((target) => [...surfaceFolders, ...fakeFolders].some((folder) => target.startsWith(`${folder}/`)))
          .map((target) => `${relative(src, file)} imports ${target}`),
      );
    expect(offenders).toEqual([]);
  });

  it("keeps each surface out of the others (the outside fan-out may be used by the surfaces it serves)", () => {
    const offenders = surfaceFolders.flatMap((own) =>
      sourceFiles(join(src, own)).flatMap((file) =>
        importsOf(file)
          .filter((target) => surfaceFolders.some((other) => other !== own && other !== "outside" && target.startsWith(`${other}/`)))
          .map((target) => `${relative(src, file)} imports ${target}`),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it("keeps the HTTP surface (REST API, JSON endpoints) free of the Slack surface", () => {
    const offenders = sourceFiles(join(src, "http")).flatMap((file) =>
      importsOf(file).filter((target) => target.startsWith("slack/") || target.startsWith("fake-slack/")).map((target) => `${relative(src, file)} imports ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it("keeps prom-client inside src/telemetry/: the rest of the bot reports through small hooks", () => {
    const offenders = sourceFiles(src)
      .filter((file) => !relative(src, file).startsWith("telemetry/"))
      .filter((file) => /from\s+["']prom-client["']/.test(readFileSync(file, "utf8")))
      .map((file) => relative(src, file));
    expect(offenders).toEqual([]);
    expect(readFileSync(join(src, "telemetry/telemetry.ts"), "utf8")).toMatch(/from\s+["']prom-client["']/);
  });

  it("never lets one listener import another listener", () => {
    const kinds = ["commands", "actions", "views", "events", "shortcuts"];
    const listenerDir = join(src, "slack/listeners");
    const offenders = kinds.flatMap((kind) =>
      sourceFiles(join(listenerDir, kind)).flatMap((file) =>
        importsOf(file)
          .filter((target) => target.startsWith("slack/listeners/"))
          .filter((target) => {
            const [, , targetKind, targetFile] = target.split("/");
            if (!targetFile || !kinds.includes(targetKind!)) return false; // shared helpers at listeners/ top level
            const own = relative(listenerDir, file).split("/");
            // A kind's index registers its own listeners; kit files are shared plumbing, not listeners.
            return !(own[0] === targetKind && (own[1] === "index.ts" || targetFile.endsWith("-kit.ts")));
          })
          .map((target) => `${relative(src, file)} imports ${target}`),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it("keeps the sandbox and the fakes out of the production entry: nothing src/main.ts loads reaches them", () => {
    const seen = productionGraph();
    const devOnly = ["sandbox/", "fake-slack/", "fake-pagerduty/"];
    expect([...seen].filter((file) => devOnly.some((folder) => file.startsWith(folder)) || file === "start.ts")).toEqual([]);
    expect(seen.has("warroom.ts")).toBe(true);
    // The production build (dist/, the Docker image) leaves them out altogether.
    const build = JSON.parse(readFileSync(join(src, "../tsconfig.build.json"), "utf8")) as { exclude?: string[] };
    expect(build.exclude).toEqual(expect.arrayContaining(["src/start.ts", "src/sandbox", "src/fake-slack", "src/fake-pagerduty"]));
  });

  it("loads only production dependencies from the production entry, and every production dependency is one it loads", () => {
    const loaded = new Set(
      [...productionGraph()].flatMap((file) =>
        specifiersOf(join(src, file), { runtime: true })
          .filter((s) => !s.startsWith("."))
          .flatMap((s) => packageOf(s) ?? []),
      ),
    );
    // A package the production entry loads but `npm ci --omit=dev` (the Docker image) would not install.
    expect([...loaded].filter((name) => !(name in packageJson.dependencies)).sort()).toEqual([]);
    // A dependency production never loads (tsx, the sandbox's Preact and htm) belongs in devDependencies.
    expect(Object.keys(packageJson.dependencies).filter((name) => !loaded.has(name)).sort()).toEqual([]);
  });

  it("finds the imports it checks (a broken scanner must not pass quietly)", () => {
    expect(importsOf(join(src, "incidents/resolve.ts"))).toContain("incidents/change.ts");
    expect(importsOf(join(src, "slack/listeners/commands/index.ts"))).toContain("slack/listeners/commands/ack.ts");
    expect(specifiersOf(join(src, "main.ts"), { runtime: true })).toContain("dotenv/config");
    expect(specifiersOf(join(src, "http/json-endpoint.ts"))).toContain("@slack/bolt");
    expect(specifiersOf(join(src, "http/json-endpoint.ts"), { runtime: true })).not.toContain("@slack/bolt");
  });
});
