// The words of the alerts domain, defined once: the kinds of sender, an alert's two states, and how a source
// stands in for a person where the incident records who did something (the declarer, a timeline entry's actor).
import { z } from "zod";

/** Which endpoint (and payload format) a source's token opens; `any` is the ALERTS_TOKEN source, good for all three. */
export const alertSourceKinds = ["alertmanager", "grafana", "generic"] as const;
export const alertSourceKindSchema = z.enum(alertSourceKinds);
export type AlertSourceKind = z.infer<typeof alertSourceKindSchema> | "any";

export const alertSourceKindLabels: Record<AlertSourceKind, string> = {
  alertmanager: "Prometheus Alertmanager",
  grafana: "Grafana",
  generic: "Generic JSON",
  any: "Any format (ALERTS_TOKEN)",
};

export const alertStatuses = ["firing", "resolved"] as const;
export type AlertStatus = (typeof alertStatuses)[number];
