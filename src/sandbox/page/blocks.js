// Block Kit in a message, as Slack lays it out: section (text, fields, accessory), header, divider, context,
// actions (buttons, overflow menus, static and user selects, checkboxes), image (its alt text: nothing is fetched from
// elsewhere), rich_text as plain text. onAction(actionId, value) is how a click reaches the bot.
import { h } from "preact";
import { useState } from "preact/hooks";
import htm from "htm";
import { Mrkdwn, emojiText } from "./mrkdwn.js";

const html = htm.bind(h);

export function TextObject({ text, ctx }) {
  if (!text) return null;
  return text.type === "mrkdwn" ? html`<${Mrkdwn} text=${text.text} ctx=${ctx} />` : html`<span>${emojiText(text.text ?? "")}</span>`;
}

function Button({ el, onAction, busy }) {
  const style = el.style === "primary" ? "primary" : el.style === "danger" ? "danger" : "";
  return html`<button type="button" class=${`kit-button ${style}`} disabled=${busy} onClick=${() => onAction(el.action_id, el.value)}>
    ${emojiText(el.text?.text ?? "")}
  </button>`;
}

/** Slack's "⋯" menu: a button that opens a short list of options. */
function Overflow({ el, onAction, busy }) {
  const [open, setOpen] = useState(false);
  return html`<span class="overflow">
    <button type="button" class="kit-button overflow-button" aria-label="More options" aria-expanded=${open} disabled=${busy} onClick=${() => setOpen(!open)}>⋯</button>
    ${open &&
    html`<ul class="menu" role="menu">
      ${(el.options ?? []).map(
        (o) => html`<li key=${o.value} role="menuitem" tabindex="0" onClick=${() => (setOpen(false), onAction(el.action_id, o.value))}>${emojiText(o.text?.text ?? "")}</li>`,
      )}
    </ul>`}
  </span>`;
}

const optionsOf = (el) => [...(el.options ?? []), ...(el.option_groups ?? []).flatMap((g) => g.options ?? [])];

/** A select in a message: picking an option is the interaction (Slack sends it at once). */
function Select({ el, ctx, onAction, busy }) {
  const people = ctx.people ?? [];
  const channels = Object.entries(ctx.names.channels);
  const choices =
    el.type === "users_select"
      ? people.map((p) => ({ value: p.id, label: p.realName }))
      : el.type === "conversations_select" || el.type === "channels_select"
        ? channels.map(([id, name]) => ({ value: id, label: `#${name}` }))
        : optionsOf(el).map((o) => ({ value: o.value, label: emojiText(o.text?.text ?? "") }));
  const initial = el.initial_user ?? el.initial_conversation ?? el.initial_channel ?? el.initial_option?.value ?? "";
  return html`<select class="kit-select" disabled=${busy} aria-label=${el.placeholder?.text ?? "Select"} value=${initial}
      onChange=${(e) => e.target.value && onAction(el.action_id, e.target.value)}>
    <option value="">${el.placeholder?.text ?? "Select an item"}</option>
    ${choices.map((c) => html`<option key=${c.value} value=${c.value}>${c.label}</option>`)}
  </select>`;
}

/** A checkbox group in a message: a click sends the box's option value (the sandbox ticks or un-ticks it as Slack would). */
function Checkboxes({ el, ctx, onAction, busy }) {
  const ticked = new Set((el.initial_options ?? []).map((o) => o.value));
  return html`<div class="kit-checkboxes">
    ${(el.options ?? []).map(
      (o) => html`<label key=${o.value} class="kit-checkbox">
        <input type="checkbox" checked=${ticked.has(o.value)} disabled=${busy} onChange=${() => onAction(el.action_id, o.value)} />
        <span><${TextObject} text=${o.text} ctx=${ctx} />${o.description ? html`<br /><small class="kit-option-description">${emojiText(o.description.text ?? "")}</small>` : ""}</span>
      </label>`,
    )}
  </div>`;
}

export function Element({ el, ctx, onAction, busy }) {
  switch (el?.type) {
    case "checkboxes":
      return html`<${Checkboxes} el=${el} ctx=${ctx} onAction=${onAction} busy=${busy} />`;
    case "button":
      return html`<${Button} el=${el} onAction=${onAction} busy=${busy} />`;
    case "overflow":
      return html`<${Overflow} el=${el} onAction=${onAction} busy=${busy} />`;
    case "static_select":
    case "external_select":
    case "users_select":
    case "conversations_select":
    case "channels_select":
      return html`<${Select} el=${el} ctx=${ctx} onAction=${onAction} busy=${busy} />`;
    case "image":
      return html`<span class="image-alt" title="Images are not loaded in the sandbox">[${el.alt_text ?? "image"}]</span>`;
    default:
      return html`<span class="unsupported">[${el?.type ?? "element"}: not shown in the sandbox]</span>`;
  }
}

function richText(block) {
  const text = (el) => (el.type === "text" ? el.text : el.type === "link" ? (el.text ?? el.url) : el.type === "user" ? `@${el.user_id}` : el.type === "emoji" ? `:${el.name}:` : "");
  return (block.elements ?? []).map((section) => (section.elements ?? []).map(text).join("")).join("\n");
}

export function Block({ block, ctx, onAction, busy }) {
  switch (block.type) {
    case "section":
      return html`<div class="kit-section">
        <div class="kit-section-body">
          ${block.text && html`<div class="kit-text"><${TextObject} text=${block.text} ctx=${ctx} /></div>`}
          ${block.fields &&
          html`<div class="kit-fields">${block.fields.map((f, i) => html`<div key=${i} class="kit-field"><${TextObject} text=${f} ctx=${ctx} /></div>`)}</div>`}
        </div>
        ${block.accessory && html`<div class="kit-accessory"><${Element} el=${block.accessory} ctx=${ctx} onAction=${onAction} busy=${busy} /></div>`}
      </div>`;
    case "header":
      return html`<h3 class="kit-header">${emojiText(block.text?.text ?? "")}</h3>`;
    case "divider":
      return html`<hr class="kit-divider" />`;
    case "context":
      return html`<div class="kit-context">
        ${(block.elements ?? []).map((el, i) =>
          el.type === "mrkdwn" || el.type === "plain_text"
            ? html`<span key=${i}><${TextObject} text=${el} ctx=${ctx} /></span>`
            : html`<${Element} key=${i} el=${el} ctx=${ctx} onAction=${onAction} busy=${busy} />`,
        )}
      </div>`;
    case "actions":
      return html`<div class="kit-actions">${(block.elements ?? []).map((el, i) => html`<${Element} key=${i} el=${el} ctx=${ctx} onAction=${onAction} busy=${busy} />`)}</div>`;
    case "image":
      return html`<div class="image-alt" title="Images are not loaded in the sandbox">[image: ${block.alt_text ?? ""}]</div>`;
    case "rich_text":
      return html`<div class="kit-text"><${Mrkdwn} text=${richText(block)} ctx=${ctx} /></div>`;
    default:
      return html`<div class="unsupported">[${block.type} block: not shown in the sandbox]</div>`;
  }
}

export function Blocks({ blocks, ctx, onAction, busy }) {
  return html`<div class="blocks">${(blocks ?? []).map((b, i) => html`<${Block} key=${b.block_id ?? i} block=${b} ctx=${ctx} onAction=${onAction} busy=${busy} />`)}</div>`;
}
