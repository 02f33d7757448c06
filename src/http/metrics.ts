// GET /metrics: the operator's view in Prometheus's text format (src/telemetry/). With METRICS_TOKEN set, only a
// scraper presenting it as a bearer token is answered; the token is compared in constant time.
import type { CustomRoute } from "@slack/bolt";
import type { Logger } from "../log.js";
import type { Telemetry } from "../telemetry/telemetry.js";
import { bearerToken, tokenMatches } from "./bearer-tokens.js";

export function metricsRoute(telemetry: Pick<Telemetry, "scrape" | "contentType">, token: string | undefined, logger: Logger): CustomRoute {
  return {
    path: "/metrics",
    method: ["GET"],
    handler: (req, res) => {
      if (token !== undefined && !tokenMatches(bearerToken(req.headers.authorization), { plain: token })) {
        res.writeHead(401, { "content-type": "text/plain; charset=utf-8", "www-authenticate": 'Bearer realm="metrics"' });
        res.end("Send METRICS_TOKEN as a bearer token: Authorization: Bearer <token>\n");
        return;
      }
      telemetry.scrape().then(
        (body) => {
          res.writeHead(200, { "content-type": telemetry.contentType, "cache-control": "no-store" });
          res.end(body);
        },
        (error: unknown) => {
          logger.error({ err: error }, "could not render /metrics");
          res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
          res.end("The metrics could not be rendered; the details are in the bot's log.\n");
        },
      );
    },
  };
}
