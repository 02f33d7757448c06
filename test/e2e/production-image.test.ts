// The Docker image without Docker: this reads the Dockerfile's runtime stage, makes in a temporary folder what that
// stage copies (package.json, the lockfile, the build's dist/, migrations/), installs it the way the stage does
// (`npm ci --omit=dev`, from the npm cache), and runs its CMD against the fake Slack. So the image carries no dev
// tooling, no fakes and no sandbox, runs as a user who is not root, and still starts and runs an incident.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChildBot, type ChildBot } from "../support/child-bot.js";
import { declareThroughSlack, eventually } from "../support/declare.js";
import type { TestBot } from "../support/bot.js";

const run = promisify(execFile);
const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const lockfile = JSON.parse(readFileSync(join(projectRoot, "package-lock.json"), "utf8")) as {
  packages: Record<string, { dev?: boolean }>;
};

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's stages, each a list of instructions (continuation lines joined, comments left out). */
function dockerfileStages(): Instruction[][] {
  const text = readFileSync(join(projectRoot, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const stages: Instruction[][] = [];
  for (const line of text.split("\n").map((l) => l.trim())) {
    if (!line || line.startsWith("#")) continue;
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    if (keyword!.toUpperCase() === "FROM") stages.push([]);
    stages.at(-1)!.push({ keyword: keyword!.toUpperCase(), args: args! });
  }
  return stages;
}

const runtimeStage = dockerfileStages().at(-1)!;
const instructions = (keyword: string) => runtimeStage.filter((i) => i.keyword === keyword).map((i) => i.args);
/** `ENV A=1 B=2` as variables. */
const imageEnv = Object.fromEntries(instructions("ENV").flatMap((args) => args.split(/\s+/).map((pair) => pair.split("=") as [string, string])));
const cmd = JSON.parse(instructions("CMD").at(-1)!) as string[];

/** Every bare module specifier a compiled file loads (tsc starts each `import … from "x"`, `import "x"` on its own line; `import("x")`). */
function bareImportsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^(?:import|export)\s[^;]*?from\s*["']([^"'\n]+)["']|^import\s*["']([^"'\n]+)["']|\bimport\(\s*["']([^"'\n]+)["']\s*\)/gm)]
    .map((m) => m[1] ?? m[2] ?? m[3]!)
    .filter((s) => !s.startsWith(".") && !s.startsWith("node:") && !builtinModules.includes(s));
}

/** "@slack/bolt/x" → "@slack/bolt", "drizzle-orm/pg-core" → "drizzle-orm". */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe("the Docker image's runtime stage", () => {
  it("runs as the non-root node user and copies only the lockfile, the compiled build and the migrations", () => {
    expect(dockerfileStages()).toHaveLength(2);
    expect(runtimeStage[0]!.args).toMatch(/^node:20-bookworm-slim\b/);
    const users = instructions("USER");
    expect(users.at(-1)).toBe("node");
    // The user is set before the command, and nothing after it switches back.
    expect(runtimeStage.findIndex((i) => i.keyword === "USER")).toBeLessThan(runtimeStage.findIndex((i) => i.keyword === "CMD"));
    expect(instructions("COPY")).toEqual(["package.json package-lock.json ./", "--from=build /app/dist ./dist", "migrations ./migrations", "manifest.yml ./"]);
    const copied = instructions("COPY").flatMap((args) => args.split(/\s+/).filter((a) => !a.startsWith("--")).slice(0, -1));
    expect(copied.filter((source) => /^(\.\/)?(src|test|bench|\.)(\/|$)/.test(source))).toEqual([]);
    expect(instructions("RUN").join(" && ")).toMatch(/npm ci --omit=dev\b/);
    expect(cmd).toEqual(["node", "dist/src/main.js"]);
  });

  it("keeps the checkout's dependencies, secrets and history out of the build context", () => {
    const ignored = readFileSync(join(projectRoot, ".dockerignore"), "utf8").split("\n").map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(["node_modules", ".git", ".env", "dist", "data", "sandbox-data", "test-results", "coverage"]));
  });
});

describe("the production install (what the image holds)", () => {
  let app: string;
  let child: ChildBot | undefined;

  beforeAll(async () => {
    app = mkdtempSync(join(tmpdir(), "warroom-image-"));
    // COPY package.json package-lock.json ./, COPY migrations ./migrations and COPY manifest.yml ./
    for (const path of ["package.json", "package-lock.json", "migrations", "manifest.yml"]) cpSync(join(projectRoot, path), join(app, path), { recursive: true });
    // COPY --from=build /app/dist ./dist: what the build stage's `npm run build` makes. The same program and output;
    // --noCheck leaves the type check to `npm run typecheck` (a third of the time, byte for byte the same files).
    const tsc = join(projectRoot, "node_modules/typescript/bin/tsc");
    await run(process.execPath, [tsc, "-p", "tsconfig.build.json", "--noCheck", "--outDir", join(app, "dist")], { cwd: projectRoot });
    // RUN npm ci --omit=dev, from the npm cache the checkout's install filled. Not with the npm_config_* variables
    // `npm test` passes down (its local prefix is the checkout), only where the cache and the registry are.
    const npmEnv = Object.fromEntries(["npm_config_cache", "npm_config_registry"].flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])));
    await run("npm", ["ci", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: app,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir(), ...npmEnv },
    });
  }, 240_000);

  afterAll(async () => {
    await child?.close();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it("has no dev tooling, no fake Slack or PagerDuty and no sandbox", () => {
    const installed = (name: string) => existsSync(join(app, "node_modules", name));
    expect(installed("@slack/bolt")).toBe(true);
    // What only the devDependencies need, by the lockfile (@types/node stays: @slack/bolt itself depends on it).
    const devOnly = Object.entries(lockfile.packages)
      .filter(([path, entry]) => entry.dev && path.startsWith("node_modules/"))
      .map(([path]) => path.slice("node_modules/".length));
    const devTooling = ["tsx", "vitest", "drizzle-kit", "typescript", "playwright-core", "preact", "htm", "esbuild"];
    expect(devOnly).toEqual(expect.arrayContaining(devTooling));
    expect(devOnly.filter(installed)).toEqual([]);

    const compiled = files(join(app, "dist")).map((file) => relative(app, file));
    expect(compiled).toContain("dist/src/main.js");
    expect(compiled.filter((file) => /^dist\/src\/(fake-slack|fake-pagerduty|sandbox)\/|^dist\/src\/start\.js$|^dist\/(test|bench)\//.test(file))).toEqual([]);

    // Every package any compiled file names is installed: nothing under dist/ leans on a devDependency.
    const named = files(join(app, "dist"))
      .filter((file) => file.endsWith(".js"))
      .flatMap((file) => bareImportsOf(file).map((specifier) => ({ file: relative(app, file), specifier, name: packageOf(specifier) })));
    expect(named.map((n) => n.specifier)).toEqual(expect.arrayContaining(["dotenv/config", "@slack/bolt", "drizzle-orm", "pg", "zod"]));
    const missing = named.filter(({ name }) => !installed(name));
    expect(missing).toEqual([]);
  });

  it("starts with the image's command and environment, answers /healthz and its health check, and runs an incident", async () => {
    const { PORT: _port, PGLITE_DIR: _dataDir, ...env } = imageEnv;
    expect(env.NODE_ENV).toBe("production");
    child = await startChildBot(env, { cwd: app, args: cmd.slice(1) });
    expect(cmd[0]).toBe("node");

    const health = await fetch(`http://127.0.0.1:${child.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    // The image's HEALTHCHECK, run as the container runtime runs it.
    const healthcheck = instructions("HEALTHCHECK").at(-1)!.replace(/^.*?\bCMD\s+/, "");
    const check = (port: number) => run("sh", ["-c", healthcheck], { cwd: app, env: { PATH: process.env.PATH ?? "", PORT: String(port) } }).then(() => 0, (e: { code?: number }) => e.code ?? -1);
    expect(await check(child.port)).toBe(0);

    // A person declares an incident: the war room opens with its card pinned, as from any other install.
    await declareThroughSlack({ driver: child.driver, fake: child.fake } as unknown as TestBot, { title: "Checkout is down", severity: "sev2" });
    const room = await eventually(async () => child!.fake.channelByName("inc-1-checkout-is-down"), 30_000);
    const card = await eventually(async () => child!.fake.messagesIn(room.id).find((m) => m.user === child!.fake.botUserId && !m.subtype), 30_000);
    expect(JSON.stringify(card.blocks)).toContain("Checkout is down");
    await eventually(async () => child!.fake.pinsIn(room.id).some((p) => p.ts === card.ts), 30_000);

    const port = child.port;
    await child.kill9();
    expect(await check(port)).toBe(1);
  }, 120_000);
});
