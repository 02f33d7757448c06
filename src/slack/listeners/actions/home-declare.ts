// Declare on the App Home: the same declare form as `/incident declare`. It comes from no channel, so the
// declarer gets the war room's link by DM once the room exists.
import { declareModal } from "../../blocks/declare-modal.js";
import { encodeDeclareOrigin } from "../forms.js";
import { openForm } from "../open-form.js";
import type { ActionHandler } from "./action-kit.js";

export const declareFromHome: ActionHandler = async (deps, args) => {
  await args.ack();
  const userId = args.body.user.id;
  const view = declareModal({ declarerId: userId, prefilledTitle: "", privateMetadata: encodeDeclareOrigin({}) });
  // The Home has no thread to answer in: a form Slack would not open is explained in the person's DM with the app.
  const tellPerson = (text: string) =>
    deps.gateway.postMessage(userId, { text }).catch((error: unknown) => deps.logger.warn({ err: error }, "could not tell someone why the declare form did not open"));
  await openForm(deps, args.client, args.body.trigger_id, view, tellPerson, "click Declare again");
};
