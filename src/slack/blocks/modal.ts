// The frame every Warroom modal shares: title, buttons, and where it came from.
import type { View } from "@slack/types";
import { plainText } from "./kit.js";


export function modal(opts: { callbackId: string; title: string; submit?: string; close?: string; privateMetadata?: unknown; blocks: unknown[] }): View {
  return {
    type: "modal",
    callback_id: opts.callbackId,
    ...(opts.privateMetadata !== undefined ? { private_metadata: JSON.stringify(opts.privateMetadata) } : {}),
    // Slack allows 24 characters in a modal's title and buttons.
    title: plainText(opts.title, 24),
    ...(opts.submit ? { submit: plainText(opts.submit, 24) } : {}),
    close: plainText(opts.close ?? "Cancel", 24),
    blocks: opts.blocks,
  } as View;
}
