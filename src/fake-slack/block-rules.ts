// The Block Kit limits Slack enforces, so a message or modal that real Slack would refuse is refused here too.
// Slack answers such a request with `invalid_blocks` (messages) or `invalid_arguments` (views) and a list of reasons.
// Every length is counted in UTF-16 code units (JavaScript's .length): Slack's documentation says "characters"
// without naming the unit, and counting an emoji as two is the stricter reading (an emoji-heavy text that fits
// here fits in Slack). Sources: the Block Kit reference pages for each block, element and composition object.

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Slack's limits, by where a text or list sits. */
export const SlackLimits = {
  sectionText: 3000,
  field: 2000,
  fields: 10,
  contextElements: 10,
  header: 150,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  actionId: 255,
  blockId: 255,
  optionText: 75,
  optionDescription: 75,
  optionValue: 150,
  selectOptions: 100,
  overflowOptions: { min: 2, max: 5 },
  checkboxOptions: 10,
  radioOptions: 10,
  placeholder: 150,
  label: 2000,
  hint: 2000,
  inputMaxLength: 3000,
  actionsElements: 25,
  imageAltText: 2000,
  confirm: { title: 100, text: 300, confirm: 30, deny: 30 },
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  messageBlocks: 50,
  viewBlocks: 100,
  messageText: 40_000,
  topic: 250,
  channelName: 80,
} as const;

function checkTextObject(v: unknown, where: string, max: number, problems: string[], plainOnly = false): void {
  if (!isObject(v) || typeof v.text !== "string" || (v.type !== "plain_text" && v.type !== "mrkdwn")) {
    problems.push(`${where}: must be a text object`);
    return;
  }
  if (plainOnly && v.type !== "plain_text") problems.push(`${where}: must be plain_text`);
  if (v.text.length === 0) problems.push(`${where}: must be at least 1 character`);
  if (v.text.length > max) problems.push(`${where}: must be less than ${max + 1} characters`);
  // A lone surrogate is not valid UTF-8: Slack cannot store it (a cut that split an emoji in two).
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v.text)) problems.push(`${where}: must be valid UTF-8 (half an emoji)`);
}

function checkString(v: unknown, where: string, max: number, problems: string[]): void {
  if (typeof v === "string" && v.length > max) problems.push(`${where}: must be less than ${max + 1} characters`);
}

function checkConfirm(v: unknown, where: string, problems: string[]): void {
  if (v === undefined) return;
  if (!isObject(v)) return void problems.push(`${where}: must be a confirm object`);
  checkTextObject(v.title, `${where}.title`, SlackLimits.confirm.title, problems, true);
  checkTextObject(v.text, `${where}.text`, SlackLimits.confirm.text, problems);
  checkTextObject(v.confirm, `${where}.confirm`, SlackLimits.confirm.confirm, problems, true);
  checkTextObject(v.deny, `${where}.deny`, SlackLimits.confirm.deny, problems, true);
}

/**
 * Slack's option object reference: "Overflow, select, and multi-select menus can only use plain_text objects, while
 * radio buttons and checkboxes can use mrkdwn text objects"; `url` is "only available in overflow menus".
 */
function checkOption(o: unknown, where: string, problems: string[], elementType: string): void {
  if (!isObject(o) || typeof o.value !== "string") return void problems.push(`${where}: must have a value`);
  const mrkdwnAllowed = elementType === "checkboxes" || elementType === "radio_buttons";
  checkTextObject(o.text, `${where}.text`, SlackLimits.optionText, problems, !mrkdwnAllowed);
  checkString(o.value, `${where}.value`, SlackLimits.optionValue, problems);
  if (o.description !== undefined) checkTextObject(o.description, `${where}.description`, SlackLimits.optionDescription, problems, true);
  checkString(o.url, `${where}.url`, SlackLimits.url, problems);
  if (o.url !== undefined && elementType !== "overflow") problems.push(`${where}.url: only allowed in overflow menus`);
}

/** The same option object whatever the order of its keys (Slack compares what it says, not how it was written). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

/** How many options each kind of element may carry. */
function optionCount(type: string): { min: number; max: number } {
  switch (type) {
    case "overflow":
      // Slack's overflow reference: "Maximum number of options is 5, minimum is 2" (today's page says only "up to five").
      return SlackLimits.overflowOptions;
    case "checkboxes":
      return { min: 1, max: SlackLimits.checkboxOptions };
    case "radio_buttons":
      return { min: 1, max: SlackLimits.radioOptions };
    default:
      return { min: 1, max: SlackLimits.selectOptions };
  }
}

function checkElement(el: unknown, where: string, problems: string[]): void {
  if (!isObject(el) || typeof el.type !== "string") {
    problems.push(`${where}: must be an element`);
    return;
  }
  checkString(el.action_id, `${where}.action_id`, SlackLimits.actionId, problems);
  if (el.placeholder !== undefined) checkTextObject(el.placeholder, `${where}.placeholder`, SlackLimits.placeholder, problems, true);
  checkConfirm(el.confirm, `${where}.confirm`, problems);
  if (el.type === "button") {
    checkTextObject(el.text, `${where}.text`, SlackLimits.buttonText, problems, true);
    checkString(el.value, `${where}.value`, SlackLimits.buttonValue, problems);
    checkString(el.url, `${where}.url`, SlackLimits.url, problems);
  }
  if (el.type === "image") checkString(el.alt_text, `${where}.alt_text`, SlackLimits.imageAltText, problems);
  if (Array.isArray(el.options)) {
    const { min, max } = optionCount(el.type);
    if (el.options.length < min || el.options.length > max) problems.push(`${where}.options: must have ${min} to ${max} items`);
    el.options.forEach((o, i) => checkOption(o, `${where}.options[${i}]`, problems, el.type as string));
    const shown = new Set(el.options.map(canonical));
    const picked = [...(isObject(el.initial_option) ? [el.initial_option] : []), ...(Array.isArray(el.initial_options) ? el.initial_options : [])];
    // Slack refuses an initial option that is not exactly one of the options: "an array of option objects that
    // exactly matches one or more of the options" (checkboxes reference; the selects say the same), text included.
    for (const p of picked) if (!isObject(p) || !shown.has(canonical(p))) problems.push(`${where}.initial_option: must be exactly one of the options`);
    if (el.initial_options !== undefined && !Array.isArray(el.initial_options)) problems.push(`${where}.initial_options: must be an array`);
  } else if (["static_select", "multi_static_select", "overflow", "checkboxes", "radio_buttons"].includes(el.type) && !Array.isArray(el.option_groups)) {
    problems.push(`${where}.options: required`);
  }
  if (el.type === "plain_text_input") {
    const maxLength = el.max_length;
    if (maxLength !== undefined && (typeof maxLength !== "number" || maxLength < 1 || maxLength > SlackLimits.inputMaxLength)) {
      problems.push(`${where}.max_length: must be between 1 and ${SlackLimits.inputMaxLength}`);
    }
    if (typeof el.initial_value === "string") {
      const limit = typeof maxLength === "number" ? Math.min(maxLength, SlackLimits.inputMaxLength) : SlackLimits.inputMaxLength;
      if (el.initial_value.length > limit) problems.push(`${where}.initial_value: longer than max_length (${el.initial_value.length} > ${limit})`);
    }
  }
}

function checkBlock(block: unknown, where: string, problems: string[], blockIds: Set<string>): void {
  if (!isObject(block) || typeof block.type !== "string") {
    problems.push(`${where}: must be a block`);
    return;
  }
  if (typeof block.block_id === "string") {
    checkString(block.block_id, `${where}.block_id`, SlackLimits.blockId, problems);
    if (blockIds.has(block.block_id)) problems.push(`${where}.block_id: duplicate block_id ${block.block_id}`);
    blockIds.add(block.block_id);
  }
  switch (block.type) {
    case "section":
      if (block.text === undefined && !Array.isArray(block.fields)) problems.push(`${where}: needs text or fields`);
      if (block.text !== undefined) checkTextObject(block.text, `${where}.text`, SlackLimits.sectionText, problems);
      if (Array.isArray(block.fields)) {
        if (block.fields.length > SlackLimits.fields) problems.push(`${where}.fields: must have at most ${SlackLimits.fields} items`);
        block.fields.forEach((f, i) => checkTextObject(f, `${where}.fields[${i}]`, SlackLimits.field, problems));
      }
      if (block.accessory !== undefined) checkElement(block.accessory, `${where}.accessory`, problems);
      break;
    case "header":
      checkTextObject(block.text, `${where}.text`, SlackLimits.header, problems, true);
      break;
    case "context":
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > SlackLimits.contextElements) {
        problems.push(`${where}.elements: must have 1 to ${SlackLimits.contextElements} items`);
      } else {
        block.elements.forEach((e, i) => {
          if (isObject(e) && (e.type === "mrkdwn" || e.type === "plain_text")) checkTextObject(e, `${where}.elements[${i}]`, SlackLimits.sectionText, problems);
          else checkElement(e, `${where}.elements[${i}]`, problems);
        });
      }
      break;
    case "actions":
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > SlackLimits.actionsElements) {
        problems.push(`${where}.elements: must have 1 to ${SlackLimits.actionsElements} items`);
      } else block.elements.forEach((e, i) => checkElement(e, `${where}.elements[${i}]`, problems));
      break;
    case "input":
      checkTextObject(block.label, `${where}.label`, SlackLimits.label, problems, true);
      if (block.hint !== undefined) checkTextObject(block.hint, `${where}.hint`, SlackLimits.hint, problems, true);
      checkElement(block.element, `${where}.element`, problems);
      break;
    case "image":
      checkString(block.alt_text, `${where}.alt_text`, SlackLimits.imageAltText, problems);
      checkString(block.image_url, `${where}.image_url`, SlackLimits.url, problems);
      break;
    case "divider":
    case "rich_text":
    case "file":
    case "video":
      break;
    default:
      problems.push(`${where}: unknown block type ${block.type}`);
  }
}

/** Problems real Slack would report for these message blocks; empty when Slack would accept them. */
export function messageBlockProblems(blocks: unknown): string[] {
  if (blocks === undefined) return [];
  if (!Array.isArray(blocks)) return ["blocks: must be an array"];
  const problems: string[] = [];
  if (blocks.length > SlackLimits.messageBlocks) problems.push(`blocks: must have at most ${SlackLimits.messageBlocks} items`);
  const ids = new Set<string>();
  blocks.forEach((b, i) => {
    checkBlock(b, `blocks[${i}]`, problems, ids);
    if (isObject(b) && b.type === "input") problems.push(`blocks[${i}]: input blocks are only allowed in modals`);
  });
  return problems;
}

/** Problems real Slack would report for this view (a modal, or a Home tab); empty when Slack would accept it. */
export function viewProblems(view: unknown): string[] {
  if (!isObject(view)) return ["view: must be an object"];
  const problems: string[] = [];
  if (view.type !== "modal" && view.type !== "home") problems.push("view.type: must be modal or home");
  if (view.type === "modal") {
    checkTextObject(view.title, "view.title", SlackLimits.viewTitle, problems, true);
    if (view.submit !== undefined) checkTextObject(view.submit, "view.submit", SlackLimits.viewButton, problems, true);
    if (view.close !== undefined) checkTextObject(view.close, "view.close", SlackLimits.viewButton, problems, true);
  }
  // A Home tab's fields are type, blocks, private_metadata, callback_id and external_id (Slack's reference, "Home tab
  // views"); it has no title bar and nothing to submit, so a modal's title, submit or close is refused, the stricter reading.
  if (view.type === "home") for (const key of ["title", "submit", "close"]) if (view[key] !== undefined) problems.push(`view.${key}: not allowed in a home view`);
  checkString(view.callback_id, "view.callback_id", SlackLimits.callbackId, problems);
  checkString(view.external_id, "view.external_id", SlackLimits.externalId, problems);
  checkString(view.private_metadata, "view.private_metadata", SlackLimits.privateMetadata, problems);
  if (!Array.isArray(view.blocks)) problems.push("view.blocks: must be an array");
  else {
    if (view.blocks.length > SlackLimits.viewBlocks) problems.push(`view.blocks: must have at most ${SlackLimits.viewBlocks} items`);
    const hasInput = view.blocks.some((b) => isObject(b) && b.type === "input");
    if (hasInput && view.type === "modal" && view.submit === undefined) problems.push("view.submit: required when the view has input blocks");
    const ids = new Set<string>();
    view.blocks.forEach((b, i) => checkBlock(b, `view.blocks[${i}]`, problems, ids));
  }
  return problems;
}
