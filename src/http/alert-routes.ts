// POST /alerts/alertmanager, /alerts/grafana and /alerts/generic: each sender authenticates with its source's
// bearer token, its body is read in its own documented format, and it is answered (202) once its alerts are
// committed. Turning them into incidents follows at once, in the background (alerts/intake.ts).
import type { CustomRoute } from "@slack/bolt";
import type { z } from "zod";
import {
  alertmanagerPayloadSchema,
  fromAlertmanager,
  fromGeneric,
  fromGrafana,
  genericAlertSchema,
  grafanaPayloadSchema,
  type IncomingAlert,
} from "../alerts/formats.js";
import { recordAlerts, type Recorded } from "../alerts/ingest.js";
import { auditRefusal, auditUnknownCaller } from "../audit/audit-log.js";
import { alertSourceActor } from "../alerts/intake.js";
import { forgetSourceTokens, sourceByToken } from "../alerts/sources.js";
import { alertSourceKindLabels, type AlertSourceKind } from "../alerts/vocabulary.js";
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import type { AlertSource } from "../db/schema.js";
import type { Logger } from "../log.js";
import { HttpRefusal, jsonEndpoint, unauthorized } from "./json-endpoint.js";

export interface AlertRoutesContext {
  db: Db;
  clock: Clock;
  logger: Logger;
  /**
   * The bot's workspace (single-token mode): sources and their alerts belong to it. Unset with OAuth: a source's
   * token (unique across workspaces) says which workspace its alerts are for.
   */
  teamId?: string;
  /** Alerts were committed: turn them into incidents now. */
  onRecorded: () => void;
  /** Telemetry: each request as answered (any status), and the alerts of each accepted one. */
  observe?: {
    answered(source: AlertEndpoint, status: number): void;
    recorded(source: AlertEndpoint, recorded: Recorded): void;
  };
}

type AlertEndpoint = Exclude<AlertSourceKind, "any">;

export const alertPaths: Record<AlertEndpoint, string> = {
  alertmanager: "/alerts/alertmanager",
  grafana: "/alerts/grafana",
  generic: "/alerts/generic",
};

export function alertRoutes(ctx: AlertRoutesContext): CustomRoute[] {
  return [
    alertRoute(ctx, "alertmanager", alertmanagerPayloadSchema, (body, json) => fromAlertmanager(body, json as { alerts: unknown[] })),
    alertRoute(ctx, "grafana", grafanaPayloadSchema, (body, json) => fromGrafana(body, json as { alerts: unknown[] })),
    alertRoute(ctx, "generic", genericAlertSchema, (body, json) => [fromGeneric(body, json)]),
  ];
}

function alertRoute<Schema extends z.ZodType>(
  ctx: AlertRoutesContext,
  kind: AlertEndpoint,
  schema: Schema,
  read: (body: z.output<Schema>, json: unknown) => IncomingAlert[],
): CustomRoute {
  const route = jsonEndpoint<Schema, z.ZodUndefined, AlertSource>(
    {
      method: "POST",
      path: alertPaths[kind],
      authenticate: async (token, request) => {
        const source = await sourceByToken(ctx.db, ctx.teamId, token);
        if (!source) {
          if (ctx.teamId) await auditUnknownCaller(ctx.db, ctx.clock, { teamId: ctx.teamId, integration: "alert_source", method: "POST", path: alertPaths[kind], tokenSent: Boolean(token) });
          return undefined;
        }
        if (source.kind !== kind && source.kind !== "any") {
          request.resume();
          await auditRefusal(ctx.db, {
            teamId: source.teamId,
            at: ctx.clock.now(),
            actor: alertSourceActor(source),
            action: "alert_webhook",
            subject: { kind: "endpoint", name: alertPaths[kind] },
            reason: "wrong_endpoint",
          });
          throw new HttpRefusal(403, "wrong_endpoint", `This token belongs to “${source.name}”, a ${alertSourceKindLabels[source.kind]} source: send its alerts to ${alertPaths[source.kind]}.`);
        }
        return source;
      },
      body: schema,
      handle: async ({ body, json, caller }) => {
        const recorded = await recordAlerts(ctx.db, ctx.clock, caller, read(body, json));
        if (!recorded) {
          // Rotated since this token opened the source (here or on another replica).
          forgetSourceTokens(ctx.db);
          throw unauthorized();
        }
        ctx.onRecorded();
        ctx.observe?.recorded(kind, recorded);
        return { status: 202, body: { accepted: recorded.received, recorded: recorded.recorded, repeated: recorded.received - recorded.recorded } };
      },
    },
    ctx.logger,
  );
  const observe = ctx.observe;
  if (!observe) return route;
  // Every answer counts, refusals included: the status is known only once it is sent.
  return {
    ...route,
    handler: (req, res) => {
      res.once("finish", () => observe.answered(kind, res.statusCode));
      return route.handler(req, res);
    },
  };
}
