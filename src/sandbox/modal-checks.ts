// What Slack's own client checks in a modal before it sends the submission to the app: required inputs, the
// length limits of text inputs (counted in UTF-16 units, as block-rules.ts counts Slack's limits) and the bounds of
// number inputs. A form failing them is never sent; the person sees the reason beside the field, as in Slack.
import type { InputValue } from "../fake-slack/driver.js";

type Json = Record<string, unknown>;

/** Slack's client words this check itself; the others below follow its tone. */
export const REQUIRED = "Please complete this required field.";

function initialValue(element: Json): InputValue {
  switch (element.type) {
    case "static_select":
    case "radio_buttons":
      return ((element.initial_option as Json | undefined)?.value as string | undefined) ?? null;
    case "multi_static_select":
    case "checkboxes":
      return ((element.initial_options as Json[] | undefined) ?? []).map((o) => String(o.value));
    case "users_select":
      return (element.initial_user as string | undefined) ?? null;
    case "multi_users_select":
      return (element.initial_users as string[] | undefined) ?? [];
    case "conversations_select":
    case "channels_select":
      return ((element.initial_conversation ?? element.initial_channel) as string | undefined) ?? null;
    case "datepicker":
      return (element.initial_date as string | undefined) ?? null;
    case "timepicker":
      return (element.initial_time as string | undefined) ?? null;
    default:
      return (element.initial_value as string | undefined) ?? null;
  }
}

const isEmpty = (v: InputValue) => v === null || v === "" || (Array.isArray(v) && v.length === 0);

function textProblem(element: Json, text: string): string | undefined {
  const min = typeof element.min_length === "number" ? element.min_length : undefined;
  const max = typeof element.max_length === "number" ? element.max_length : undefined;
  if (min !== undefined && text.length < min) return `Please enter at least ${min} characters.`;
  if (max !== undefined && text.length > max) return `Please enter at most ${max} characters.`;
  return undefined;
}

function numberProblem(element: Json, text: string): string | undefined {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) return "Please enter a number.";
  if (!element.is_decimal_allowed && !Number.isInteger(n)) return "Please enter a whole number.";
  const min = element.min_value !== undefined ? Number(element.min_value) : undefined;
  const max = element.max_value !== undefined ? Number(element.max_value) : undefined;
  if (min !== undefined && n < min) return `Please enter a number of at least ${min}.`;
  if (max !== undefined && n > max) return `Please enter a number of at most ${max}.`;
  return undefined;
}

/** The values the submission will carry: what was typed, else the input's initial value (as Slack's client keeps it). */
export function filledValues(view: Json, typed: Record<string, InputValue>): Record<string, InputValue> {
  const values: Record<string, InputValue> = {};
  for (const block of (view.blocks as Json[] | undefined) ?? []) {
    if (block.type !== "input" || typeof block.block_id !== "string") continue;
    values[block.block_id] = Object.hasOwn(typed, block.block_id) ? typed[block.block_id]! : initialValue(block.element as Json);
  }
  return values;
}

/** Problems Slack's client would show beside each field (by block_id); empty when it would send the form. */
export function clientProblems(view: Json, typed: Record<string, InputValue>): Record<string, string> {
  const values = filledValues(view, typed);
  const problems: Record<string, string> = {};
  for (const block of (view.blocks as Json[] | undefined) ?? []) {
    if (block.type !== "input" || typeof block.block_id !== "string") continue;
    const element = block.element as Json;
    const value = values[block.block_id] ?? null;
    if (isEmpty(value)) {
      if (!block.optional) problems[block.block_id] = REQUIRED;
      continue;
    }
    const text = Array.isArray(value) ? "" : String(value);
    const problem =
      element.type === "plain_text_input" ? textProblem(element, text) : element.type === "number_input" ? numberProblem(element, text) : undefined;
    if (problem) problems[block.block_id] = problem;
  }
  return problems;
}
