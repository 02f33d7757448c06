// /incident comms [internal|exec|customer]: the comms templates; alone, the picker of the three audiences.
import type { Audience } from "../../../incidents/comms.js";
import { commsPicker } from "../../blocks/comms-modals.js";
import { echoTyped } from "../../blocks/text.js";
import { commsModal, commsRefusal } from "../comms.js";
import { asTyped, onIncident, say } from "../subcommand.js";

const audienceWords: Record<string, Audience> = {
  internal: "internal",
  update: "internal",
  exec: "executive",
  executive: "executive",
  customer: "customer",
  customers: "customer",
  public: "customer",
  status: "customer",
};

export const comms = onIncident("/incident comms #12 customer", async (deps, request, { incident, rest }) => {
  const word = rest.split(/\s+/)[0]?.toLowerCase() ?? "";
  if (!word) {
    const refused = await commsRefusal(deps, incident, request.userId, "executive");
    return refused ? say(refused) : { answer: commsPicker(incident) };
  }
  const audience = audienceWords[word];
  if (!audience) return say(`\`${echoTyped(asTyped(word))}\` is not an audience. Use \`internal\`, \`exec\` or \`customer\`, e.g. \`/incident comms customer\`, or \`/incident comms\` alone to choose.`);
  const refused = await commsRefusal(deps, incident, request.userId, audience);
  if (refused) return say(refused);
  return { modal: await commsModal(deps, incident, audience) };
});
