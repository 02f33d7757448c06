// The Block Kit limits Slack enforces, so a message or modal that real Slack would refuse is refused here too.
// Slack answers such a request with `invalid_blocks` (messages) or `invalid_arguments` (views) and a list of reasons.

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function checkTextObject(v: unknown, where: string, max: number, problems: string[], plainOnly = false): void {
  if (!isObject(v) || typeof v.text !== "string" || (v.type !== "plain_text" && v.type !== "mrkdwn")) {
    problems.push(`${where}: must be a text object`);
    return;
  }
  if (plainOnly && v.type !== "plain_text") problems.push(`${where}: must be plain_text`);
  if (v.text.length === 0) problems.push(`${where}: must be at least 1 character`);
  if (v.text.length > max) problems.push(`${where}: must be less than ${max + 1} characters`);
}

function checkElement(el: unknown, where: string, problems: string[]): void {
  if (!isObject(el) || typeof el.type !== "string") {
    problems.push(`${where}: must be an element`);
    return;
  }
  if (typeof el.action_id === "string" && el.action_id.length > 255) problems.push(`${where}.action_id: too long`);
  if (el.type === "button") {
    checkTextObject(el.text, `${where}.text`, 75, problems, true);
    if (typeof el.value === "string" && el.value.length > 2000) problems.push(`${where}.value: must be less than 2001 characters`);
    if (typeof el.url === "string" && el.url.length > 3000) problems.push(`${where}.url: too long`);
  }
  if (Array.isArray(el.options)) {
    if (el.options.length > 100) problems.push(`${where}.options: must have at most 100 items`);
    el.options.forEach((o, i) => {
      if (!isObject(o) || typeof o.value !== "string") problems.push(`${where}.options[${i}]: must have a value`);
      else {
        checkTextObject(o.text, `${where}.options[${i}].text`, 75, problems);
        if (o.description !== undefined) checkTextObject(o.description, `${where}.options[${i}].description`, 75, problems);
      }
    });
  }
  if (el.type === "plain_text_input" && typeof el.initial_value === "string" && typeof el.max_length === "number" && el.initial_value.length > el.max_length) {
    problems.push(`${where}.initial_value: longer than max_length`);
  }
}

function checkBlock(block: unknown, where: string, problems: string[], blockIds: Set<string>): void {
  if (!isObject(block) || typeof block.type !== "string") {
    problems.push(`${where}: must be a block`);
    return;
  }
  if (typeof block.block_id === "string") {
    if (block.block_id.length > 255) problems.push(`${where}.block_id: too long`);
    if (blockIds.has(block.block_id)) problems.push(`${where}.block_id: duplicate block_id ${block.block_id}`);
    blockIds.add(block.block_id);
  }
  switch (block.type) {
    case "section":
      if (block.text === undefined && !Array.isArray(block.fields)) problems.push(`${where}: needs text or fields`);
      if (block.text !== undefined) checkTextObject(block.text, `${where}.text`, 3000, problems);
      if (Array.isArray(block.fields)) {
        if (block.fields.length > 10) problems.push(`${where}.fields: must have at most 10 items`);
        block.fields.forEach((f, i) => checkTextObject(f, `${where}.fields[${i}]`, 2000, problems));
      }
      if (block.accessory !== undefined) checkElement(block.accessory, `${where}.accessory`, problems);
      break;
    case "header":
      checkTextObject(block.text, `${where}.text`, 150, problems, true);
      break;
    case "context":
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10) {
        problems.push(`${where}.elements: must have 1 to 10 items`);
      } else {
        block.elements.forEach((e, i) => {
          if (isObject(e) && (e.type === "mrkdwn" || e.type === "plain_text")) checkTextObject(e, `${where}.elements[${i}]`, 3000, problems);
        });
      }
      break;
    case "actions":
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25) {
        problems.push(`${where}.elements: must have 1 to 25 items`);
      } else block.elements.forEach((e, i) => checkElement(e, `${where}.elements[${i}]`, problems));
      break;
    case "input":
      checkTextObject(block.label, `${where}.label`, 2000, problems, true);
      if (block.hint !== undefined) checkTextObject(block.hint, `${where}.hint`, 2000, problems, true);
      checkElement(block.element, `${where}.element`, problems);
      break;
    case "divider":
    case "image":
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
  if (blocks.length > 50) problems.push("blocks: must have at most 50 items");
  const ids = new Set<string>();
  blocks.forEach((b, i) => {
    checkBlock(b, `blocks[${i}]`, problems, ids);
    if (isObject(b) && b.type === "input") problems.push(`blocks[${i}]: input blocks are only allowed in modals`);
  });
  return problems;
}

/** Problems real Slack would report for this modal view; empty when Slack would accept it. */
export function viewProblems(view: unknown): string[] {
  if (!isObject(view)) return ["view: must be an object"];
  const problems: string[] = [];
  if (view.type !== "modal" && view.type !== "home") problems.push("view.type: must be modal or home");
  if (view.type === "modal") {
    checkTextObject(view.title, "view.title", 24, problems, true);
    if (view.submit !== undefined) checkTextObject(view.submit, "view.submit", 24, problems, true);
    if (view.close !== undefined) checkTextObject(view.close, "view.close", 24, problems, true);
  }
  if (typeof view.callback_id === "string" && view.callback_id.length > 255) problems.push("view.callback_id: too long");
  if (typeof view.private_metadata === "string" && view.private_metadata.length > 3000) {
    problems.push("view.private_metadata: must be less than 3001 characters");
  }
  if (!Array.isArray(view.blocks)) problems.push("view.blocks: must be an array");
  else {
    if (view.blocks.length > 100) problems.push("view.blocks: must have at most 100 items");
    const hasInput = view.blocks.some((b) => isObject(b) && b.type === "input");
    if (hasInput && view.submit === undefined) problems.push("view.submit: required when the view has input blocks");
    const ids = new Set<string>();
    view.blocks.forEach((b, i) => checkBlock(b, `view.blocks[${i}]`, problems, ids));
  }
  return problems;
}
