// Which workspace the Slack calls made now are for: the request's team while a listener runs (set by the request
// middleware), the item's team while the outbox delivers it. The gateway picks that workspace's bot token.
import { AsyncLocalStorage } from "node:async_hooks";
import { currentDelivery } from "../outbox/outbox.js";

const actingFor = new AsyncLocalStorage<string>();

export function asTeam<T>(teamId: string, work: () => T): T {
  return actingFor.run(teamId, work);
}

export function currentTeam(): string | undefined {
  // A delivery is for its item's workspace, whatever context started the worker that runs it.
  return currentDelivery()?.teamId ?? actingFor.getStore();
}
