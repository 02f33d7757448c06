// War-room channel names: inc-<N>-<slug of title> (a drill's: drill-<N>-<slug>), within Slack's rules (lowercase a-z 0-9 - _, at most 80 characters).
const MAX_CHANNEL_NAME = 80;

export function slugify(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** attempt 1 is the plain name; later attempts add -2, -3 … when Slack says the name is taken. */
export function warRoomChannelName(incidentNumber: number, title: string, attempt = 1, drill = false): string {
  const prefix = `${drill ? "drill" : "inc"}-${incidentNumber}`;
  const suffix = attempt > 1 ? `-${attempt}` : "";
  const room = MAX_CHANNEL_NAME - prefix.length - suffix.length - 1;
  const slug = slugify(title).slice(0, room).replace(/-+$/, "");
  return slug ? `${prefix}-${slug}${suffix}` : `${prefix}${suffix}`;
}
