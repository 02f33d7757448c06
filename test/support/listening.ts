// Which local addresses listen on a TCP port, read from the kernel's socket tables (Linux): a test can check that a
// server is on loopback only without sending anything to another address.
import { readFileSync } from "node:fs";

function ipv4(hex: string): string {
  return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join(".");
}

/** Addresses listening on `port`, e.g. ["127.0.0.1"]; an IPv6 listener shows as "ipv6:<hex>". */
export function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const [file, v6] of [["/proc/net/tcp", false], ["/proc/net/tcp6", true]] as const) {
    let table = "";
    try {
      table = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of table.split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== "0A") continue;
      const [address, portHex] = local.split(":");
      if (parseInt(portHex!, 16) !== port) continue;
      found.push(v6 ? `ipv6:${address}` : ipv4(address!));
    }
  }
  return found;
}
