// Slack's own checks of a modal before it is sent to the app, as the sandbox applies them.
import { describe, expect, it } from "vitest";
import { clientProblems, filledValues, REQUIRED } from "../../src/sandbox/modal-checks.js";

const input = (block_id: string, element: Record<string, unknown>, optional = false) => ({ type: "input", block_id, optional, label: { type: "plain_text", text: block_id }, element: { action_id: `${block_id}_input`, ...element } });

const view = {
  type: "modal",
  blocks: [
    { type: "section", text: { type: "mrkdwn", text: "not an input" } },
    input("title", { type: "plain_text_input", max_length: 5, min_length: 2 }),
    input("note", { type: "plain_text_input" }, true),
    input("severity", { type: "static_select", options: [{ text: { type: "plain_text", text: "SEV1" }, value: "sev1" }], initial_option: { text: { type: "plain_text", text: "SEV1" }, value: "sev1" } }),
    input("people", { type: "multi_users_select" }),
    input("repeat", { type: "number_input", is_decimal_allowed: false, min_value: "0", max_value: "5" }, true),
  ],
};

describe("Slack's checks of a modal", () => {
  it("refuses an empty required input and leaves optional ones alone", () => {
    expect(clientProblems(view, { title: null, people: [] })).toEqual({ title: REQUIRED, people: REQUIRED });
  });

  it("keeps an input's initial value when nothing was typed in it", () => {
    expect(filledValues(view, { title: "abc" })).toMatchObject({ title: "abc", severity: "sev1", people: [], note: null });
    expect(clientProblems(view, { title: "abc", people: ["U_BOB"] })).toEqual({});
  });

  it("counts text lengths in UTF-16 units, as Slack's limits are counted", () => {
    expect(clientProblems(view, { title: "🔥🔥🔥", people: ["U_BOB"] })).toEqual({ title: "Please enter at most 5 characters." });
    expect(clientProblems(view, { title: "a", people: ["U_BOB"] })).toEqual({ title: "Please enter at least 2 characters." });
  });

  it("checks number inputs: a number, whole when decimals are not allowed, within bounds", () => {
    const problem = (repeat: string) => clientProblems(view, { title: "abc", people: ["U_BOB"], repeat }).repeat;
    expect(problem("two")).toBe("Please enter a number.");
    expect(problem("1.5")).toBe("Please enter a whole number.");
    expect(problem("6")).toBe("Please enter a number of at most 5.");
    expect(problem("-1")).toBe("Please enter a number of at least 0.");
    expect(problem("3")).toBeUndefined();
  });
});
