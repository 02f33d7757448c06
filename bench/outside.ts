// Declares with PagerDuty and two webhook URLs configured: declares per second, and how long after the Declare
// button PagerDuty's alert, each webhook and the finished war room (its announcement) arrive. The fake PagerDuty and
// the receivers run in this process, so every arrival is timed on one clock.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakePagerDuty } from "../src/fake-pagerduty/server.js";
import type { FakeSlack } from "../src/fake-slack/server.js";
import { SlackDriver } from "../src/fake-slack/driver.js";

export interface OutsideFigures {
  perSecond: number;
  page: Percentiles;
  webhook: Percentiles;
  warRoom: Percentiles;
}

interface Percentiles {
  p50: number;
  p99: number;
}

/** A receiver that answers 204 at once and notes when each incident's `incident.declared` arrived. */
export async function startTimingReceiver(): Promise<{ url: string; declaredAt: Map<string, number>; close: () => Promise<void> }> {
  const declaredAt = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { event: string; incident: { title: string } };
      const key = `${req.url} ${body.incident.title}`;
      if (body.event === "incident.declared" && !declaredAt.has(key)) declaredAt.set(key, performance.timeOrigin + performance.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    declaredAt,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const percentiles = (values: number[]): Percentiles => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
};

export async function outsideBench(opts: {
  fake: FakeSlack;
  pd: FakePagerDuty;
  receiver: { declaredAt: Map<string, number> };
  webhookPaths: string[];
  botUrl: string;
  signingSecret: string;
  declares: number;
  concurrency: number;
  outboxIdle: (timeoutMs?: number) => Promise<void>;
  label: string;
}): Promise<OutsideFigures> {
  const { fake, pd, receiver } = opts;
  const driver = new SlackDriver({ fake, botUrl: opts.botUrl, signingSecret: opts.signingSecret });
  const submittedAt = new Map<string, number>();
  const announcements = fake.channelByName("incidents")!.id;
  const modalOpenedBy = async (triggerId: string) => {
    for (let waited = 0; waited < 3000; waited += 2) {
      const view = fake.views.find((v) => v.triggerId === triggerId);
      if (view) return view;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error("the declare modal did not open within Slack's 3 seconds");
  };
  const declareOne = async (i: number) => {
    const title = `Outside ${opts.label} ${i}`;
    const command = await driver.slashCommand({ userId: "U_ALICE", channelId: "C_BENCH", text: `declare ${title}` });
    const view = await modalOpenedBy(command.triggerId);
    submittedAt.set(title, performance.timeOrigin + performance.now());
    const submitted = await driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { severity: "sev1" } });
    if (submitted.status !== 200) throw new Error(`a declare submission answered ${submitted.status}`);
  };
  await opts.outboxIdle();
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: opts.concurrency }, async () => {
    while (next < opts.declares) await declareOne(next++);
  }));
  await opts.outboxIdle(180_000);
  const perSecond = opts.declares / ((performance.now() - started) / 1000);

  const titleOf = (summary: string) => summary.replace(/^\[SEV\d\] #\d+ /, "");
  const pageAt = new Map(pd.alerts.map((a) => [titleOf(a.summary), a.log[0]!.at]));
  const roomAt = new Map<string, number>();
  for (const call of fake.calls) {
    const text = typeof call.args.text === "string" ? call.args.text : "";
    const title = /declared: (.+)$/.exec(text)?.[1];
    if (call.method === "chat.postMessage" && call.ok && call.args.channel === announcements && title && !roomAt.has(title)) roomAt.set(title, call.at);
  }
  const after = (arrivals: (title: string) => number | undefined) =>
    percentiles([...submittedAt].map(([title, at]) => {
      const arrived = arrivals(title);
      if (arrived === undefined) throw new Error(`nothing arrived for "${title}"`);
      return arrived - at;
    }));
  return {
    perSecond,
    page: after((t) => pageAt.get(t)),
    webhook: after((t) => {
      const arrivals = opts.webhookPaths.map((p) => receiver.declaredAt.get(`${p} ${t}`));
      return arrivals.every((a): a is number => a !== undefined) ? Math.max(...arrivals) : undefined;
    }),
    warRoom: after((t) => roomAt.get(t)),
  };
}
