// A modal as Slack's client shows it: the view's title, its blocks, and each input block as a form field with its
// label, hint, "(optional)" and the error Slack or the app returned beside it. Text inputs stop at max_length as
// Slack's do; everything else is checked by the sandbox before the bot hears of the submission, as Slack does.
import { h } from "preact";
import { useState } from "preact/hooks";
import htm from "htm";
import { Block } from "./blocks.js";
import { emojiText } from "./mrkdwn.js";

const html = htm.bind(h);

const optionsOf = (el) => [...(el.options ?? []), ...(el.option_groups ?? []).flatMap((g) => g.options ?? [])];

function initialValue(el) {
  switch (el.type) {
    case "static_select":
    case "radio_buttons":
      return el.initial_option?.value ?? "";
    case "multi_static_select":
    case "checkboxes":
      return (el.initial_options ?? []).map((o) => o.value);
    case "users_select":
      return el.initial_user ?? "";
    case "multi_users_select":
      return el.initial_users ?? [];
    case "conversations_select":
    case "channels_select":
      return el.initial_conversation ?? el.initial_channel ?? "";
    case "datepicker":
      return el.initial_date ?? "";
    case "timepicker":
      return el.initial_time ?? "";
    default:
      return el.initial_value ?? "";
  }
}

/** A list of checkboxes: Slack's checkboxes, and the sandbox's way of showing a multi-select's choices. */
function CheckList({ id, choices, value, onChange, label }) {
  const chosen = new Set(value);
  return html`<div class="checklist" role="group" aria-label=${label} id=${id}>
    ${choices.map(
      (c) => html`<label key=${c.value} class="check">
        <input type="checkbox" checked=${chosen.has(c.value)}
          onChange=${(e) => onChange(e.target.checked ? [...chosen, c.value] : [...chosen].filter((v) => v !== c.value))} />
        <span>${c.label}</span>
      </label>`,
    )}
  </div>`;
}

function Field({ block, value, onChange, ctx }) {
  const el = block.element ?? {};
  const id = `input-${block.block_id}`;
  const placeholder = el.placeholder?.text ?? "";
  const set = (v) => onChange(block.block_id, v);
  const people = (ctx.people ?? []).map((p) => ({ value: p.id, label: p.realName }));
  const channels = Object.entries(ctx.names.channels).map(([cid, name]) => ({ value: cid, label: `#${name}` }));
  const options = optionsOf(el).map((o) => ({ value: o.value, label: emojiText(o.text?.text ?? "") }));
  const select = (choices) => html`<select id=${id} value=${value} onChange=${(e) => set(e.target.value)}>
    <option value="">${placeholder || "Select an option"}</option>
    ${choices.map((c) => html`<option key=${c.value} value=${c.value}>${c.label}</option>`)}
  </select>`;
  switch (el.type) {
    case "plain_text_input":
    case "email_text_input":
    case "url_text_input":
    case "number_input": {
      const common = { id, placeholder, value, maxlength: typeof el.max_length === "number" ? el.max_length : undefined, onInput: (e) => set(e.target.value) };
      return el.multiline ? html`<textarea rows="4" ...${common} />` : html`<input type="text" inputmode=${el.type === "number_input" ? "decimal" : undefined} ...${common} />`;
    }
    case "static_select":
      return select(options);
    case "users_select":
      return select(people);
    case "conversations_select":
    case "channels_select":
      return select(channels);
    case "multi_static_select":
    case "checkboxes":
      return html`<${CheckList} id=${id} label=${block.label?.text} choices=${options} value=${value} onChange=${set} />`;
    case "multi_users_select":
      return html`<${CheckList} id=${id} label=${block.label?.text} choices=${people} value=${value} onChange=${set} />`;
    case "radio_buttons":
      return html`<div class="checklist" role="radiogroup" id=${id}>
        ${options.map((c) => html`<label key=${c.value} class="check"><input type="radio" name=${id} checked=${value === c.value} onChange=${() => set(c.value)} /><span>${c.label}</span></label>`)}
      </div>`;
    case "datepicker":
      return html`<input id=${id} type="date" value=${value} onInput=${(e) => set(e.target.value)} />`;
    case "timepicker":
      return html`<input id=${id} type="time" value=${value} onInput=${(e) => set(e.target.value)} />`;
    default:
      return html`<span class="unsupported">[${el.type}: not shown in the sandbox]</span>`;
  }
}

const grouped = (type) => ["multi_static_select", "checkboxes", "multi_users_select", "radio_buttons"].includes(type);

function InputBlock({ block, value, onChange, error, ctx }) {
  const id = `input-${block.block_id}`;
  const label = emojiText(block.label?.text ?? "");
  return html`<div class=${`field${error ? " has-error" : ""}`} data-block=${block.block_id}>
    ${grouped(block.element?.type)
      ? html`<div class="field-label">${label}${block.optional && html` <span class="optional">(optional)</span>`}</div>`
      : html`<label class="field-label" for=${id}>${label}${block.optional && html` <span class="optional">(optional)</span>`}</label>`}
    <${Field} block=${block} value=${value} onChange=${onChange} ctx=${ctx} />
    ${error && html`<div class="field-error" role="alert">${error}</div>`}
    ${block.hint && html`<div class="field-hint">${emojiText(block.hint.text ?? "")}</div>`}
  </div>`;
}

/**
 * The form's values start from the view's initial values; the component is keyed by view hash, so views.update starts
 * afresh. `drafts` keeps what was typed in each view (by id and hash), so Back to a view under a pushed one shows it
 * as the person left it, as Slack's client does.
 */
export function Modal({ modal, ctx, onSubmit, onClose, onAction, busy, drafts }) {
  const view = modal.view;
  const blocks = view.blocks ?? [];
  const draftKey = `${modal.id}:${modal.hash}`;
  const [values, setValues] = useState(
    () => drafts?.get(draftKey) ?? Object.fromEntries(blocks.filter((b) => b.type === "input").map((b) => [b.block_id, initialValue(b.element ?? {})])),
  );
  const change = (blockId, v) =>
    setValues((old) => {
      const next = { ...old, [blockId]: v };
      drafts?.set(draftKey, next);
      return next;
    });
  const submit = (e) => {
    e.preventDefault();
    const typed = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === "" ? null : v]));
    onSubmit(typed);
  };
  const closeText = view.close?.text ?? "Cancel";
  return html`<div class="modal-backdrop">
    <form class="modal" role="dialog" aria-modal="true" aria-label=${view.title?.text ?? "Modal"} onSubmit=${submit}>
      <header class="modal-header">
        ${modal.depth > 1 && html`<button type="button" class="icon-button" aria-label="Back" onClick=${() => onClose(false)}>←</button>`}
        <h2>${emojiText(view.title?.text ?? "")}</h2>
        <button type="button" class="icon-button" aria-label="Close" onClick=${() => onClose(true)}>×</button>
      </header>
      <div class="modal-body">
        ${blocks.map((block, i) =>
          block.type === "input"
            ? html`<${InputBlock} key=${block.block_id ?? i} block=${block} value=${values[block.block_id]} onChange=${change} error=${modal.errors?.[block.block_id]} ctx=${ctx} />`
            : html`<${Block} key=${block.block_id ?? i} block=${block} ctx=${ctx} onAction=${onAction} busy=${busy} />`,
        )}
      </div>
      <footer class="modal-footer">
        <button type="button" class="kit-button" onClick=${() => onClose(modal.depth <= 1)}>${emojiText(closeText)}</button>
        ${view.submit && html`<button type="submit" class="kit-button primary" disabled=${busy}>${emojiText(view.submit.text)}</button>`}
      </footer>
    </form>
  </div>`;
}
