// Ack latency side by side: the same signed `/incident help` load on Warroom and on a bare Bolt app, in
// alternating slices (A B, then B A, …) so whatever else the machine is doing hits both alike.
import { Agent } from "node:http";
import { closedLoop, percentile, type SlashCommandShape } from "./load.js";

export interface AckFigures {
  p50: number;
  p99: number;
  perSecond: number;
  samples: number;
  /** The app's own CPU time per answered command: the cost behind the latency, and far less shaken by a busy machine. */
  cpuMicrosPerAck: number;
}

export interface AckComparison {
  concurrency: number;
  warroom: AckFigures;
  bare: AckFigures;
}

export interface Target {
  name: string;
  url: string;
  cpuMicros(): Promise<number>;
}

export interface AckPlan {
  shape: SlashCommandShape;
  expected: string;
  concurrencies: number[];
  seconds: number;
  slices: number;
  warmupSeconds: number;
}

export async function compareAcks(warroom: Target, bare: Target, plan: AckPlan): Promise<AckComparison[]> {
  const results: AckComparison[] = [];
  for (const concurrency of plan.concurrencies) {
    // One keep-alive pool per app, as Slack would hold connections to each.
    const agents = new Map([warroom, bare].map((t) => [t.name, new Agent({ keepAlive: true, maxSockets: concurrency })]));
    const run = async (target: Target, seconds: number) =>
      closedLoop({ url: target.url, shape: plan.shape, concurrency, seconds, expected: plan.expected, agent: agents.get(target.name)! });

    // Warm-up (JIT, sockets, pools), not counted.
    for (const target of [warroom, bare]) {
      const warm = await run(target, plan.warmupSeconds);
      if (warm.wrongAnswers) throw new Error(`${target.name} gave ${warm.wrongAnswers} unexpected answers during warm-up`);
    }

    const collected = new Map([warroom, bare].map((t) => [t.name, { latencies: [] as number[], seconds: 0, wrong: 0, cpuMicros: 0 }]));
    const sliceSeconds = plan.seconds / plan.slices;
    for (let slice = 0; slice < plan.slices; slice++) {
      const order = slice % 2 === 0 ? [warroom, bare] : [bare, warroom];
      for (const target of order) {
        const cpuBefore = await target.cpuMicros();
        const result = await run(target, sliceSeconds);
        const into = collected.get(target.name)!;
        into.cpuMicros += (await target.cpuMicros()) - cpuBefore;
        for (const l of result.latenciesMs) into.latencies.push(l);
        into.seconds += result.seconds;
        into.wrong += result.wrongAnswers;
      }
    }
    for (const agent of agents.values()) agent.destroy();

    const figures = (name: string): AckFigures => {
      const { latencies, seconds, wrong, cpuMicros } = collected.get(name)!;
      if (wrong) throw new Error(`${name} gave ${wrong} unexpected answers at concurrency ${concurrency}`);
      latencies.sort((a, b) => a - b);
      return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), perSecond: latencies.length / seconds, samples: latencies.length, cpuMicrosPerAck: cpuMicros / latencies.length };
    };
    results.push({ concurrency, warroom: figures(warroom.name), bare: figures(bare.name) });
  }
  return results;
}
