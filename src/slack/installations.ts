// The workspaces that installed the app through OAuth (multi-workspace mode): Bolt's installation store over the
// slack_installations table, tokens sealed with AES-256-GCM, and each workspace's bot token refreshed before it
// expires when Slack's token rotation is on (one refresh at a time per workspace, across replicas: a row lock).
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Installation, InstallationQuery, InstallationStore } from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import { and, eq, isNull } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import { slackInstallations, type SlackInstallation } from "../db/schema.js";
import type { Logger } from "../log.js";

/** Events about the installation itself (OAuth mode), handled before the listeners: see createSlackApp. */
export const installationEvents = ["app_uninstalled", "tokens_revoked"] as const;

/** A workspace the bot has no live installation for (never installed, uninstalled, or its tokens revoked). */
export class NotInstalledError extends Error {
  readonly code = "not_installed";
  constructor(readonly teamId: string | undefined) {
    super(teamId ? `the app is not installed in workspace ${teamId} (or was uninstalled)` : "no workspace to act for");
  }
}

/** Refreshed when less than this is left (Slack's tokens live 12 hours; Bolt refreshes within 2 hours too). */
export const REFRESH_BEFORE_MS = 2 * 60 * 60_000;
/** A token read from the table is reused for this long in this process (an uninstall here forgets it at once). */
const CACHE_MS = 60_000;

const VERSION = "v1";

/** AES-256-GCM with a fresh 12-byte nonce: `v1.<nonce>.<tag>.<ciphertext>`, each base64url. */
export function seal(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
}

export function unseal(key: Buffer, sealed: string): string {
  const [version, iv, tag, data] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || data === undefined) throw new Error("not a sealed token");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}

interface InstallationsOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  encryptionKey: Buffer;
  clientId: string;
  clientSecret: string;
  slackApiUrl?: string;
}

export class Installations {
  private readonly cache = new Map<string, { token: string; until: number }>();
  private readonly botUsers = new Map<string, string>();
  private readonly client: WebClient;
  /** Called once a workspace's installation is stored (the bot plans its weekly report). */
  onInstalled: (teamId: string) => Promise<void> = async () => undefined;

  constructor(private readonly options: InstallationsOptions) {
    this.client = new WebClient(undefined, { slackApiUrl: options.slackApiUrl, retryConfig: { retries: 0 }, timeout: 10_000 });
  }

  /** Bolt's installation store: what oauth_redirect stores, and what authorize() reads for each request. */
  readonly store: InstallationStore = {
    storeInstallation: async (installation) => this.save(installation),
    fetchInstallation: async (query) => this.fetch(query),
    deleteInstallation: async (query) => {
      if (query.teamId) await this.revoke(query.teamId);
    },
  };

  async save(installation: Installation): Promise<void> {
    const teamId = installation.team?.id;
    const bot = installation.bot;
    // Org-wide (Enterprise Grid) installs and installs without a bot are not what this app asks for.
    if (!teamId || !bot) throw new Error("an installation without a workspace or a bot token cannot be stored");
    const { encryptionKey: key } = this.options;
    const row = {
      teamId,
      enterpriseId: installation.enterprise?.id ?? null,
      appId: installation.appId ?? null,
      botUserId: bot.userId,
      botId: bot.id,
      botTokenEncrypted: seal(key, bot.token),
      refreshTokenEncrypted: bot.refreshToken ? seal(key, bot.refreshToken) : null,
      expiresAt: bot.expiresAt ? new Date(bot.expiresAt * 1000) : null,
      scopes: bot.scopes.join(","),
      installedBy: installation.user?.id ?? null,
      installedAt: this.options.clock.now(),
      revokedAt: null,
    };
    await this.options.db.insert(slackInstallations).values(row).onConflictDoUpdate({ target: slackInstallations.teamId, set: row });
    this.cache.delete(teamId);
    this.botUsers.set(teamId, bot.userId);
    this.options.logger.info({ team: teamId, rotation: Boolean(bot.refreshToken) }, "workspace installed the app");
    await this.onInstalled(teamId);
  }

  /** The live installation of a workspace (its tokens present), or undefined. */
  async live(teamId: string): Promise<SlackInstallation | undefined> {
    const [row] = await this.options.db
      .select()
      .from(slackInstallations)
      .where(and(eq(slackInstallations.teamId, teamId), isNull(slackInstallations.revokedAt)));
    if (row) this.botUsers.set(teamId, row.botUserId);
    return row?.botTokenEncrypted ? row : undefined;
  }

  /** The bot's user id in a workspace (known once the workspace's installation was read or stored here). */
  botUserIdOf(teamId: string | undefined): string | undefined {
    return teamId ? this.botUsers.get(teamId) : undefined;
  }

  /** Reads every installation once, so the bot knows its user id in each workspace before any delivery. */
  async load(): Promise<string[]> {
    const rows = await this.options.db.select().from(slackInstallations);
    for (const row of rows) this.botUsers.set(row.teamId, row.botUserId);
    return rows.filter((r) => r.botTokenEncrypted && !r.revokedAt).map((r) => r.teamId);
  }

  async isInstalled(teamId: string): Promise<boolean> {
    return this.cache.has(teamId) || (await this.live(teamId)) !== undefined;
  }

  /** The workspace's bot token, refreshed first when it expires within two hours. */
  async botToken(teamId: string | undefined): Promise<string> {
    if (!teamId) throw new NotInstalledError(undefined);
    const now = this.options.clock.now().getTime();
    const cached = this.cache.get(teamId);
    if (cached && cached.until > now) return cached.token;
    const row = await this.live(teamId);
    if (!row) throw new NotInstalledError(teamId);
    const token = row.expiresAt && row.expiresAt.getTime() - now < REFRESH_BEFORE_MS ? await this.refresh(teamId) : unseal(this.options.encryptionKey, row.botTokenEncrypted!);
    const expiresAt = (await this.live(teamId))?.expiresAt?.getTime();
    // Never cached past the point where it should be refreshed.
    const until = Math.min(now + CACHE_MS, expiresAt ? expiresAt - REFRESH_BEFORE_MS : Infinity);
    if (until > now) this.cache.set(teamId, { token, until });
    return token;
  }

  /**
   * Exchanges the refresh token for a new pair (oauth.v2.access, grant_type=refresh_token) under the row's lock, so
   * that two replicas (or two deliveries) never spend the same refresh token: the second finds the new pair.
   */
  private async refresh(teamId: string): Promise<string> {
    const { db, clock, encryptionKey: key } = this.options;
    return db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(slackInstallations)
        .where(and(eq(slackInstallations.teamId, teamId), isNull(slackInstallations.revokedAt)))
        .for("update");
      if (!row?.botTokenEncrypted) throw new NotInstalledError(teamId);
      const now = clock.now().getTime();
      if (!row.refreshTokenEncrypted || !row.expiresAt || row.expiresAt.getTime() - now >= REFRESH_BEFORE_MS) return unseal(key, row.botTokenEncrypted);
      const answer = (await this.client.oauth.v2.access({
        client_id: this.options.clientId,
        client_secret: this.options.clientSecret,
        grant_type: "refresh_token",
        refresh_token: unseal(key, row.refreshTokenEncrypted),
      })) as { access_token?: string; refresh_token?: string; expires_in?: number };
      if (!answer.access_token || !answer.refresh_token || !answer.expires_in) throw new Error("oauth.v2.access answered a refresh without a new token pair");
      await tx
        .update(slackInstallations)
        .set({
          botTokenEncrypted: seal(key, answer.access_token),
          refreshTokenEncrypted: seal(key, answer.refresh_token),
          expiresAt: new Date(now + answer.expires_in * 1000),
        })
        .where(eq(slackInstallations.teamId, teamId));
      this.options.logger.info({ team: teamId }, "refreshed the workspace's bot token");
      return answer.access_token;
    });
  }

  /** app_uninstalled / tokens_revoked: the tokens are gone and the workspace's work stops; its data stays. */
  async revoke(teamId: string): Promise<void> {
    this.cache.delete(teamId);
    await this.options.db
      .update(slackInstallations)
      .set({ botTokenEncrypted: null, refreshTokenEncrypted: null, expiresAt: null, revokedAt: this.options.clock.now() })
      .where(eq(slackInstallations.teamId, teamId));
    this.options.logger.info({ team: teamId }, "workspace uninstalled the app or revoked its tokens; its work is on hold");
  }

  private async fetch(query: InstallationQuery<boolean>): Promise<Installation> {
    const teamId = query.teamId;
    const row = teamId ? await this.live(teamId) : undefined;
    if (!teamId || !row) throw new NotInstalledError(teamId);
    // Refreshed here, under the lock, so Bolt's own refresh (no lock) never has anything to do: no refresh token is handed on.
    const token = await this.botToken(teamId);
    return {
      team: { id: teamId },
      enterprise: row.enterpriseId ? { id: row.enterpriseId } : undefined,
      bot: { token, id: row.botId ?? "", userId: row.botUserId, scopes: row.scopes ? row.scopes.split(",") : [] },
      appId: row.appId ?? undefined,
      authVersion: "v2",
      isEnterpriseInstall: false,
    } as Installation;
  }
}
