// What Slack knows about people that the domain needs: time zone, whether deactivated, and the name they go by.
import type { WebClient } from "@slack/web-api";

export async function slackProfile(client: WebClient, userId: string): Promise<{ timeZone?: string; active: boolean }> {
  try {
    const { user } = await client.users.info({ user: userId });
    return { timeZone: user?.tz, active: !user?.deleted };
  } catch {
    // Unknown to Slack is as good as gone.
    return { active: false };
  }
}

/** Display names, asked of Slack once per person; an unknown person keeps their ID. */
export async function namesOf(client: WebClient, ids: Iterable<string>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  await Promise.all(
    [...new Set(ids)].filter((id) => /^[UW][A-Z0-9_]+$/.test(id)).map(async (id) => {
      try {
        const { user } = await client.users.info({ user: id });
        names.set(id, user?.profile?.display_name || user?.real_name || user?.name || id);
      } catch {
        names.set(id, id);
      }
    }),
  );
  return names;
}

/**
 * Modal field errors are plain text: a <@U123> would show raw and an escaped &lt; literally. Name people
 * instead and unescape (plain text never pings anyone).
 */
export async function asPlainText(client: WebClient, mrkdwn: string): Promise<string> {
  const names = await namesOf(client, [...mrkdwn.matchAll(/<@([UW][A-Z0-9_]+)(?:\|[^>]*)?>/g)].map((m) => m[1]!));
  return mrkdwn
    .replace(/<@([UW][A-Z0-9_]+)(?:\|[^>]*)?>/g, (_m, id: string) => `@${names.get(id) ?? id}`)
    .replace(/`/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .slice(0, 2000);
}
