// What Slack knows about a person that the domain needs: their time zone, and whether they are deactivated.
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
