// Reading playbooks (YAML and the admin's lines) and which fit an incident.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { fits, itemLines, parseItemLine, parseItemLines, parsePlaybookFile, phaseOrder } from "../../src/playbooks/definitions.js";
import { checklistProgress } from "../../src/playbooks/checklist.js";
import { placeholderBotToken } from "../support/placeholder-tokens.js";

const required = { SLACK_BOT_TOKEN: placeholderBotToken("fake"), SLACK_SIGNING_SECRET: "0123456789abcdef" };

describe("the playbooks file", () => {
  it("reads the example shipped at the repo root: four phases from the process guide", () => {
    const playbooks = parsePlaybookFile(readFileSync("playbooks.example.yml", "utf8"), "playbooks.example.yml");
    expect(playbooks.map((p) => p.name)).toEqual(["Major incident", "Minor incident"]);
    expect(phaseOrder(playbooks[0]!.items.map((i) => i.phase))).toEqual(["detection", "triage", "response", "resolution"]);
    expect(playbooks[0]!.items[1]).toEqual({ phase: "detection", text: "Initial assessment of impact", role: "tech_lead" });
    expect(playbooks[0]!.key).toBe("file:Major incident");
  });

  it("names the line and field of a mistake", () => {
    const source = ["playbooks:", "  - name: Major", "    severities: [sev1]", "    phases:", "      triage:", "        - text: Roles assigned", "          role: boss"].join("\n");
    expect(() => parsePlaybookFile(source, "pb.yml")).toThrow(/^pb\.yml, line 7: playbooks\[0\]\.phases\.triage\[0\]\.role|^pb\.yml, line 6: playbooks\[0\]\.phases\.triage\[0\]/);
    const badSeverity = ["playbooks:", "  - name: Major", "    severities: [sev9]", "    phases:", "      triage: [Roles assigned]"].join("\n");
    expect(() => parsePlaybookFile(badSeverity, "pb.yml")).toThrow(/^pb\.yml, line 3: playbooks\[0\]\.severities\[0\]/);
    const unknownKey = ["playbooks:", "  - name: Major", "    severity: [sev1]", "    phases:", "      triage: [Roles assigned]"].join("\n");
    expect(() => parsePlaybookFile(unknownKey, "pb.yml")).toThrow(/line 2: playbooks\[0\] .*severity/);
  });

  it("says where YAML itself is broken", () => {
    expect(() => parsePlaybookFile("playbooks:\n  - name: [unclosed\n", "pb.yml")).toThrow(/^pb\.yml, line \d: not valid YAML/);
  });

  it("is checked at start: a bad file is a configuration error naming the line", () => {
    const dir = mkdtempSync(join(tmpdir(), "pb-"));
    const file = join(dir, "bad.yml");
    writeFileSync(file, "playbooks:\n  - name: X\n    phases:\n      triage:\n        - text: ''\n");
    expect(() => loadConfig({ ...required, PLAYBOOKS_FILE: file })).toThrow(ConfigError);
    expect(() => loadConfig({ ...required, PLAYBOOKS_FILE: file })).toThrow(/^PLAYBOOKS_FILE is not a valid playbooks file: .*bad\.yml, line 5: playbooks\[0\]\.phases\.triage\[0\]/);
    expect(() => loadConfig({ ...required, PLAYBOOKS_FILE: join(dir, "missing.yml") })).toThrow(/PLAYBOOKS_FILE names .*missing\.yml, which does not exist/);
    expect(loadConfig({ ...required, PLAYBOOKS_FILE: "playbooks.example.yml" }).PLAYBOOKS_FILE?.playbooks).toHaveLength(2);
    expect(loadConfig(required).PLAYBOOKS_FILE).toBeUndefined();
  });
});

describe("the admin's lines", () => {
  it("reads `Phase: text [role] <link>`, the role and link optional", () => {
    const parsed = parseItemLines("Triage: Check the dashboards [tech_lead] <https://grafana.example.com>\n\n- response: Roll back\n");
    expect(parsed).toEqual({
      ok: true,
      items: [
        { phase: "triage", text: "Check the dashboards", role: "tech_lead", link: "https://grafana.example.com" },
        { phase: "response", text: "Roll back" },
      ],
    });
    expect(itemLines(parsed.ok ? parsed.items : [])).toBe("Triage: Check the dashboards [tech_lead] <https://grafana.example.com>\nResponse: Roll back");
  });

  it("names the line of a mistake", () => {
    expect(parseItemLines("Triage: fine\nno phase here")).toEqual({ ok: false, line: 2, problem: expect.stringContaining("start with its phase") });
    expect(parseItemLines("Triage: x [wizard]")).toEqual({ ok: false, line: 1, problem: expect.stringContaining("[wizard] is not a role") });
    expect(parseItemLines("   \n")).toMatchObject({ ok: false });
  });

  it("puts an item typed without a phase in the phase given", () => {
    expect(parseItemLine("check DNS", "triage")).toEqual({ ok: true, item: { phase: "triage", text: "check DNS" } });
    expect(parseItemLine("see https://example.com/x", "triage")).toEqual({ ok: true, item: { phase: "triage", text: "see https://example.com/x" } });
  });
});

describe("which playbooks fit", () => {
  const incident = { severity: "sev2" as const, affectedServices: ["Checkout", "search"] };
  it("fits by severity and by service, any when none is named", () => {
    expect(fits({ severities: [], services: [] }, incident)).toBe(true);
    expect(fits({ severities: ["sev2"], services: [] }, incident)).toBe(true);
    expect(fits({ severities: ["sev1"], services: [] }, incident)).toBe(false);
    expect(fits({ severities: [], services: ["checkout"] }, incident)).toBe(true);
    expect(fits({ severities: ["sev2"], services: ["payments"] }, incident)).toBe(false);
  });

  it("orders phases as the process guide does, others after", () => {
    expect(phaseOrder(["resolution", "cleanup", "triage", "detection"])).toEqual(["detection", "triage", "resolution", "cleanup"]);
    expect(checklistProgress([{ phase: "triage", doneAt: new Date() }, { phase: "detection", doneAt: null }, { phase: "triage", doneAt: null }])).toEqual([
      { phase: "detection", done: 0, total: 1 },
      { phase: "triage", done: 1, total: 2 },
    ]);
  });
});
