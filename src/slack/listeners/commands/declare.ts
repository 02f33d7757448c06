// /incident declare [title]: opens the declare form, with the title filled in.
import { declareModal } from "../../blocks/declare-modal.js";
import { encodeDeclareOrigin } from "../forms.js";
import { asTyped, type Subcommand } from "../subcommand.js";

export const declare: Subcommand = async (_deps, request) => ({
  modal: declareModal({
    declarerId: request.userId,
    prefilledTitle: asTyped(request.args),
    privateMetadata: encodeDeclareOrigin({ channelId: request.channelId, responseUrl: request.responseUrl }),
  }),
});
