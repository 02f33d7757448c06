// The /incident help text: every subcommand with a one-line example.
const subcommands: [usage: string, what: string][] = [
  ["declare [title]", "declare an incident: opens a short form, then creates its war-room channel"],
  ["help", "show this list"],
];

export function helpText(command = "/incident"): string {
  const lines = subcommands.map(([usage, what]) => `• \`${command} ${usage}\` — ${what}`);
  return [`*Warroom* runs your incidents in Slack. Try \`${command} declare Checkout is down\`.`, ...lines].join("\n");
}

export function unknownSubcommandText(command: string, typed: string): string {
  const shown = typed.replace(/[^\p{L}\p{N}_-]/gu, "").slice(0, 30);
  return [`I don't know \`${command} ${shown}\`. Here is what I can do:`, helpText(command)].join("\n");
}
