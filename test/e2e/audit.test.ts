// The audit log end to end: people change and are refused things in Slack, a bad token knocks on the REST API, and
// an incident admin reads who did what with /incident audit, newest first, a page at a time; nobody else can.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { ManualClock } from "../../src/clock.js";
import { auditEntries, timelineEntries, type Incident } from "../../src/db/schema.js";
import { AUDIT_PAGE_SIZE } from "../../src/slack/listeners/commands/audit.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { MINUTE } from "../support/clock.js";
import { clickOnCard, command, declaredIncident, modalOpenedBy, reload, say } from "../support/war-room.js";

const clock = new ManualClock("2026-11-23T10:00:00Z");
let h: TestBot;
let incident: Incident;

beforeAll(async () => {
  h = await startTestBot({ INCIDENT_ADMINS: "U_ADA", ESCALATION_SWEEP_TOKEN: "s".repeat(40) }, { clock });
  h.fake.addUser({ id: "U_ADA", name: "ada", real_name: "Ada Admin" });
  incident = await declaredIncident(h, { userId: "U_ALICE", title: "Checkout is down" });
});
afterAll(async () => {
  await h.close();
});

const general = () => h.fake.channelByName("general")!.id;
const auditRowsOf = (of: Incident) => h.database.db.select().from(auditEntries).where(and(eq(auditEntries.teamId, h.fake.teamId), eq(auditEntries.incidentId, of.id))).orderBy(auditEntries.id);

/** What an admin reads: each entry's line, top to bottom, and the note under them. */
async function auditAsShown(userId: string, args = ""): Promise<{ text: string; lines: string[]; footer: string; rejected?: string[] }> {
  const answer = await h.driver.slashCommand({ userId, channelId: general(), text: `audit ${args}`.trim() });
  expect(answer.body?.response_type).toBe("ephemeral");
  const blocks = (answer.body?.blocks ?? []) as Array<{ type: string; text?: { text: string }; elements?: Array<{ text: string }> }>;
  return {
    text: String(answer.body?.text ?? ""),
    lines: blocks.filter((b) => b.type === "section").map((b) => b.text!.text),
    footer: blocks.at(-1)?.elements?.[0]?.text ?? "",
    rejected: answer.rejectedBySlack,
  };
}

describe("what is recorded", () => {
  it("a status change in Slack leaves exactly one audit entry, naming who, what and the incident", async () => {
    const before = await auditRowsOf(incident);
    clock.advance(MINUTE);
    expect(await say(h, "U_ALICE", general(), `status #${incident.number} identified Bad deploy`)).toMatch(/identified/i);
    const added = (await auditRowsOf(incident)).slice(before.length);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ actor: "U_ALICE", action: "status_changed", incidentNumber: incident.number, result: "done" });
  });

  it("a non-commander's forbidden change, by command and by the card's button, is recorded as refused", async () => {
    clock.advance(MINUTE);
    const answer = await say(h, "U_BOB", general(), `status #${incident.number} monitoring`);
    expect(answer).toMatch(/only/i);
    clock.advance(MINUTE);
    await clickOnCard(h, await reload(h, incident), "U_BOB", "incident_update_status");
    const refusals = await (async () => {
      for (let i = 0; i < 200; i++) {
        const rows = (await auditRowsOf(incident)).filter((r) => r.result === "refused");
        if (rows.length >= 2) return rows;
        await new Promise((r) => setTimeout(r, 25));
      }
      return (await auditRowsOf(incident)).filter((r) => r.result === "refused");
    })();
    expect(refusals).toMatchObject([
      { actor: "U_BOB", action: "change_status", reason: "not_allowed" },
      { actor: "U_BOB", action: "change_status", reason: "not_allowed" },
    ]);
    expect((await reload(h, incident)).status).toBe("identified");
  });

  it("a change whose transaction fails after its audit entry was written leaves no audit entry, no fact and no change", async () => {
    const before = await auditRowsOf(incident);
    // Checked at commit, after the audit entry (and everything else) was written: the whole transaction rolls back.
    await h.database.db.execute(`create or replace function refuse_severity_audit() returns trigger as $$ begin if new.action = 'severity_changed' then raise exception 'refused at commit'; end if; return new; end $$ language plpgsql`);
    await h.database.db.execute(`create constraint trigger refuse_severity_audit after insert on audit_entries deferrable initially deferred for each row execute function refuse_severity_audit()`);
    try {
      clock.advance(MINUTE);
      expect(await say(h, "U_ALICE", general(), `sev #${incident.number} 2 Contained`)).toMatch(/went wrong/i);
    } finally {
      await h.database.db.execute(`drop trigger refuse_severity_audit on audit_entries`);
    }
    expect(await auditRowsOf(incident)).toEqual(before);
    expect(await h.database.db.select().from(timelineEntries).where(and(eq(timelineEntries.incidentId, incident.id), eq(timelineEntries.type, "severity_changed")))).toEqual([]);
    expect((await reload(h, incident)).severity).toBe("sev1");
  });

  it("a request to the REST API with a bad token is refused (401) and recorded, without the token", async () => {
    clock.advance(MINUTE);
    const sweep = await fetch(`http://127.0.0.1:${h.bot.port}/api/v1/escalations/sweep`, { method: "POST", headers: { authorization: "Bearer not-the-sweep-token" } });
    expect(sweep.status).toBe(401);
    clock.advance(MINUTE);
    const response = await fetch(`http://127.0.0.1:${h.bot.port}/api/v1/incidents`, { headers: { authorization: "Bearer wrapi_not-a-real-token" } });
    expect(response.status).toBe(401);
    const rows = await h.database.db.select().from(auditEntries).where(and(eq(auditEntries.teamId, h.fake.teamId), eq(auditEntries.action, "api_request"))).orderBy(auditEntries.id);
    expect(rows).toMatchObject([
      { result: "refused", reason: "bad_token", subjectKind: "endpoint", subjectName: "/api/v1/escalations/sweep", details: { method: "POST" } },
      { result: "refused", reason: "bad_token", subjectKind: "endpoint", subjectName: "/api/v1/incidents", details: { method: "GET" } },
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/not-a-real-token|not-the-sweep-token/);
  });
});

describe("/incident audit", () => {
  it("shows an admin the workspace's entries newest first: the bad token, Bob's refusals, Alice's change, the declaration", async () => {
    const shown = await auditAsShown("U_ADA");
    expect(shown.rejected).toBeUndefined();
    expect(shown.text).toMatch(/Audit log of this workspace/);
    const [token, sweep, button, bobCommand, alice, declared] = shown.lines;
    expect(token).toMatch(/An unrecognised API token was refused: call the REST API on `\/api\/v1\/incidents` — bad token/);
    expect(sweep).toMatch(/An unrecognised API token was refused: call the REST API on `\/api\/v1\/escalations\/sweep` — bad token/);
    expect(button).toMatch(/<@U_BOB> was refused: change the status on incident #\d+ — not allowed/);
    expect(bobCommand).toMatch(/<@U_BOB> was refused/);
    expect(alice).toMatch(new RegExp(`<@U_ALICE> changed the status · incident #${incident.number}.*to: identified`));
    expect(declared).toMatch(new RegExp(`<@U_ALICE> declared · incident #${incident.number}`));
    expect(shown.footer).toBe("That is the oldest entry kept.");
  });

  it("politely refuses anyone who is not an incident admin, and records that too", async () => {
    const shown = await auditAsShown("U_BOB", `#${incident.number}`);
    expect(shown.lines).toEqual([]);
    expect(shown.text).toBe("Sorry, only incident admins (INCIDENT_ADMINS) can read the audit log. Ask one of them if you need to know who did what.");
    const [last] = (await auditRowsOf(incident)).slice(-1);
    expect(last).toMatchObject({ actor: "U_BOB", action: "audit_read", result: "refused", reason: "not_admin" });
  });

  it("shows one incident's log a page at a time within Slack's limits, with the command for older entries", async () => {
    const notes = AUDIT_PAGE_SIZE + 3;
    for (let i = 1; i <= notes; i++) {
      clock.advance(MINUTE);
      await command(h, "U_ALICE", general(), `note #${incident.number} Step ${i} <!channel>`);
    }
    const first = await auditAsShown("U_ADA", `#${incident.number}`);
    expect(first.rejected).toBeUndefined();
    expect(first.lines).toHaveLength(AUDIT_PAGE_SIZE);
    expect(first.lines[0]).toMatch(new RegExp(`<@U_ALICE> added a note · incident #${incident.number} _\\(note: Step ${notes} &lt;!channel&gt;\\)_`));
    const older = /`\/incident audit #\d+ before:(\d+)`/.exec(first.footer);
    expect(older).not.toBeNull();
    const second = await auditAsShown("U_ADA", `#${incident.number} before:${older![1]}`);
    expect(second.rejected).toBeUndefined();
    // The rest: three notes, Bob's look, Bob's two refusals, Alice's status change, the declaration.
    expect(second.lines.slice(0, 3).map((l) => /Step (\d+)/.exec(l)?.[1])).toEqual(["3", "2", "1"]);
    expect(second.lines.at(-1)).toMatch(/<@U_ALICE> declared/);
    expect(second.lines).toHaveLength(8);
    expect(second.footer).toBe("That is the oldest entry kept.");
  });

  it("shows on-call changes and refusals: a non-admin refused the schedule form, an admin's schedule saved, a bad alert token", async () => {
    clock.advance(MINUTE);
    expect(await say(h, "U_BOB", general(), "oncall schedule")).toMatch(/admin/i);
    clock.advance(MINUTE);
    const opened = await h.driver.slashCommand({ userId: "U_ADA", channelId: general(), text: "oncall schedule" });
    const form = await modalOpenedBy(h, opened.triggerId);
    const saved = await h.driver.submitView({ viewId: form.id, userId: "U_ADA", values: { name: "Payments primary", members: ["U_BOB"], time_zone: "UTC", handoff: "09:00", length: "24", start_date: "2026-11-22" } });
    expect(saved.body).toBe("");
    clock.advance(MINUTE);
    const webhook = await fetch(`http://127.0.0.1:${h.bot.port}/alerts/generic`, { method: "POST", headers: { authorization: "Bearer wra_nope", "content-type": "application/json" }, body: "{}" });
    expect(webhook.status).toBe(401);
    const shown = await auditAsShown("U_ADA");
    expect(shown.lines.slice(0, 3)).toEqual([
      expect.stringMatching(/An unrecognised alert sender was refused: send alerts on `\/alerts\/generic` — bad token/),
      expect.stringMatching(/<@U_ADA> created · schedule ‘Payments primary’/),
      expect.stringMatching(/<@U_BOB> was refused: change on-call schedules on `\/incident oncall` — not admin/),
    ]);
  });

  it("is in the help", async () => {
    expect(await say(h, "U_BOB", general(), "help")).toContain("/incident audit [#12]");
  });
});
