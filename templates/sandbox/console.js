// The sandbox review console: renders what the bot posted to the sandbox Slack and sends every
// click, modal submission and /refund command to the bot's real Slack endpoints, signed the
// way Slack signs them. No framework, no external assets.
"use strict";

const state = {
  workspace: null,
  channel: null,
  posts: [],
  postsText: "",
  requestsText: "",
  openedViews: new Set(JSON.parse(sessionStorage.getItem("openedViews") || "[]")),
  waitingTriggers: new Map(),
  responseOwners: JSON.parse(localStorage.getItem("responseOwners") || "{}"),
};

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children.flat()) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
};
const randomId = (prefix) => prefix + Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => b.toString(16).padStart(2, "0")).join("");
const currentUser = () => $("user").value;

function toast(text) {
  const t = $("toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.hidden = true), 4000);
}

// --- mrkdwn -------------------------------------------------------------------------------
function escapeHtml(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
// Slack sends &amp; &lt; &gt; for literal characters; everything else between < > is markup.
function unescapeSlack(s) {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
function inlineFormat(html) {
  return html
    .replace(/`([^`\n]+)`/g, "<code>$1</code>")
    .replace(/(^|[\s(>])\*([^*\n]+)\*(?=$|[\s).,:;!?<])/g, "$1<b>$2</b>")
    .replace(/(^|[\s(>])_([^_\n]+)_(?=$|[\s).,:;!?<])/g, "$1<i>$2</i>")
    .replace(/(^|[\s(>])~([^~\n]+)~(?=$|[\s).,:;!?<])/g, "$1<s>$2</s>");
}
function renderToken(token) {
  const [target, label] = token.split("|", 2);
  if (target.startsWith("@")) return `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
  if (target.startsWith("#")) return `<span class="mention">#${escapeHtml(label || target.slice(1))}</span>`;
  if (target.startsWith("!")) return `<span class="mention">@${escapeHtml(target.slice(1).split("^")[0])}</span>`;
  const url = unescapeSlack(target);
  const text = escapeHtml(unescapeSlack(label || target));
  if (/^https?:\/\//i.test(url) || url.startsWith("/sandbox")) {
    return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${text}</a>`;
  }
  return text;
}
function mrkdwn(text) {
  const lines = String(text).split("\n").map((line) => {
    let quote = false;
    if (line.startsWith("&gt;")) { quote = true; line = line.slice(4); }
    else if (line.startsWith(">")) { quote = true; line = line.slice(1); }
    let out = "";
    let rest = line;
    for (;;) {
      const m = rest.match(/<([^<>]+)>/);
      if (!m) { out += inlineFormat(escapeHtml(unescapeSlack(rest))); break; }
      out += inlineFormat(escapeHtml(unescapeSlack(rest.slice(0, m.index)))) + renderToken(m[1]);
      rest = rest.slice(m.index + m[0].length);
    }
    return quote ? `<blockquote>${out}</blockquote>` : out;
  });
  return lines.join("<br>").replace(/<\/blockquote><br><blockquote>/g, "<br>");
}
function textObject(t) {
  const span = el("span");
  if (!t) return span;
  if (t.type === "mrkdwn") span.innerHTML = mrkdwn(t.text || "");
  else span.textContent = t.text || "";
  return span;
}

// --- Block Kit ----------------------------------------------------------------------------
function renderButton(button, message, block) {
  const b = el("button", { type: "button", class: button.style || "", "data-action": button.action_id }, button.text ? button.text.text : "");
  b.addEventListener("click", async () => {
    if (button.confirm && !(await confirmDialog(button.confirm))) return;
    b.disabled = true;
    try { await sendAction(button, message, block); } finally { b.disabled = false; }
  });
  return b;
}
function renderBlocks(blocks, message) {
  return blocks.map((block) => {
    switch (block.type) {
      case "header": return el("div", { class: "block-header" }, block.text ? block.text.text : "");
      case "divider": return el("hr");
      case "section": {
        const body = el("div", { class: "body" });
        if (block.text) body.append(textObject(block.text));
        if (block.fields) body.append(el("div", { class: "fields" }, block.fields.map((f) => el("div", {}, textObject(f)))));
        const s = el("div", { class: "block-section" }, body);
        if (block.accessory && block.accessory.type === "button") s.append(renderButton(block.accessory, message, block));
        return s;
      }
      case "context": return el("div", { class: "block-context" }, (block.elements || []).map((e) => (e.type === "image" ? el("span", {}, `[${e.alt_text || "image"}]`) : textObject(e))));
      case "actions": return el("div", { class: "block-actions" }, (block.elements || []).map((e) => (e.type === "button" ? renderButton(e, message, block) : el("span", { class: "block-unknown" }, `[${e.type}]`))));
      case "input": return renderInput(block);
      case "image": return el("div", { class: "block-context" }, `[image: ${block.alt_text || ""}]`);
      default: return el("div", { class: "block-unknown" }, `[block type "${block.type}" is not rendered here]`);
    }
  });
}
function renderInput(block) {
  const e = block.element || {};
  const id = `input-${block.block_id}`;
  let control;
  if (e.type === "static_select") {
    control = el("select", { id, "data-block": block.block_id, "data-action": e.action_id, "data-type": e.type },
      el("option", { value: "" }, e.placeholder ? e.placeholder.text : "Choose"),
      (e.options || []).map((o) => el("option", { value: o.value }, o.text.text)));
  } else if (e.type === "plain_text_input") {
    control = el(e.multiline ? "textarea" : "input", { id, "data-block": block.block_id, "data-action": e.action_id, "data-type": e.type, maxlength: e.max_length });
  } else {
    control = el("span", { class: "block-unknown" }, `[${e.type}]`);
  }
  return el("div", {}, el("label", { for: id }, block.label ? block.label.text : "", block.optional ? " (optional)" : ""), control, el("div", { class: "error", "data-error": block.block_id }));
}
function renderMessage(post, replies) {
  const body = post.body;
  const hasActions = (body.blocks || []).some((b) => b.type === "actions");
  const meta = el("div", { class: "meta" }, el("b", {}, "refundbot"), " ", new Date(Number((post.ts || "0").split(".")[0]) * 1000 || post.posted_at).toLocaleString(),
    post.edits > 0 ? el("span", { class: "edited" }, " (edited)") : "");
  const content = body.blocks && body.blocks.length ? renderBlocks(body.blocks, post) : [textObject({ type: "mrkdwn", text: body.text || "" })];
  const card = el("div", { class: "msg" + (post.edits > 0 && !hasActions ? " resolved" : ""), id: `${post.channel}-${post.ts}`, "data-ts": post.ts }, meta, content);
  const out = [card];
  if (replies.length) out.push(el("div", { class: "thread" }, replies.flatMap((r) => renderMessage(r, []))));
  return out;
}

// --- Slack's side of the conversation -------------------------------------------------------
async function sendSigned(path, body) {
  const sig = await fetch("/sandbox/api/sign", { method: "POST", body }).then((r) => r.json());
  const r = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": sig.timestamp, "X-Slack-Signature": sig.signature },
    body,
  });
  return { status: r.status, text: await r.text() };
}
function responseUrl() {
  const token = randomId("r");
  state.responseOwners[token] = currentUser();
  localStorage.setItem("responseOwners", JSON.stringify(state.responseOwners));
  return location.origin + state.workspace.response_url + token;
}
function slackUser() {
  return { id: currentUser(), username: currentUser().toLowerCase(), name: currentUser().toLowerCase(), team_id: state.workspace.team_id };
}
async function sendAction(button, message, block) {
  const trigger = randomId("t");
  const payload = {
    type: "block_actions",
    user: slackUser(),
    api_app_id: state.workspace.api_app_id,
    token: "sandbox-verification-token",
    container: { type: "message", message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: trigger,
    team: { id: state.workspace.team_id, domain: state.workspace.team_domain },
    channel: { id: message.channel, name: channelName(message.channel) },
    message: Object.assign({ type: "message", ts: message.ts, bot_id: "B0REFUNDBOT" }, message.body),
    response_url: responseUrl(),
    actions: [{ action_id: button.action_id, block_id: block.block_id, text: button.text, value: button.value, style: button.style, type: "button", action_ts: (Date.now() / 1000).toFixed(6) }],
  };
  state.waitingTriggers.set(trigger, Date.now());
  const r = await sendSigned("/slack/interactions", "payload=" + encodeURIComponent(JSON.stringify(payload)));
  toast(`POST /slack/interactions (${button.action_id}) as ${currentUser()}: HTTP ${r.status}${r.text ? " " + r.text : ""}`);
}
async function submitView(post) {
  const view = post.body;
  const values = {};
  for (const c of $("dialog").querySelectorAll("[data-block]")) {
    const v = (values[c.dataset.block] = values[c.dataset.block] || {});
    if (c.dataset.type === "static_select") {
      const o = c.selectedOptions[0];
      v[c.dataset.action] = { type: "static_select", selected_option: c.value ? { text: { type: "plain_text", text: o.textContent }, value: c.value } : null };
    } else {
      v[c.dataset.action] = { type: "plain_text_input", value: c.value || null };
    }
  }
  const payload = {
    type: "view_submission",
    team: { id: state.workspace.team_id, domain: state.workspace.team_domain },
    user: slackUser(),
    api_app_id: state.workspace.api_app_id,
    token: "sandbox-verification-token",
    trigger_id: randomId("t"),
    view: Object.assign({}, view, { id: "V" + post.id, team_id: state.workspace.team_id, state: { values }, hash: String(post.id) }),
    response_urls: [],
  };
  const r = await sendSigned("/slack/interactions", "payload=" + encodeURIComponent(JSON.stringify(payload)));
  let answer = {};
  try { answer = r.text ? JSON.parse(r.text) : {}; } catch { /* plain text */ }
  if (r.status === 200 && answer.response_action === "errors") {
    for (const [blockId, message] of Object.entries(answer.errors)) {
      const e = $("dialog").querySelector(`[data-error="${blockId}"]`);
      if (e) e.textContent = message;
    }
    return false;
  }
  toast(`POST /slack/interactions (view_submission) as ${currentUser()}: HTTP ${r.status}`);
  return true;
}
async function sendCommand(text) {
  const form = new URLSearchParams({
    token: "sandbox-verification-token",
    team_id: state.workspace.team_id,
    team_domain: state.workspace.team_domain,
    channel_id: state.workspace.review_channel,
    channel_name: "refund-reviews",
    user_id: currentUser(),
    user_name: currentUser().toLowerCase(),
    command: "/refund",
    text,
    api_app_id: state.workspace.api_app_id,
    response_url: responseUrl(),
    trigger_id: randomId("t"),
  });
  const r = await sendSigned("/slack/commands", form.toString());
  let answer = null;
  try { answer = JSON.parse(r.text); } catch { /* empty */ }
  addPrivate({ text: `/refund ${text}` }, "you");
  if (answer) addPrivate(answer, "immediate reply");
  else if (r.status !== 200) addPrivate({ text: `HTTP ${r.status} ${r.text}` }, "error");
}

// --- dialogs ------------------------------------------------------------------------------
function showDialog(title, content, buttons) {
  const d = $("dialog");
  d.replaceChildren(el("div", { class: "modal", role: "dialog", "aria-label": title }, el("h3", {}, title), el("div", { class: "content" }, content), el("div", { class: "buttons" }, buttons)));
  d.hidden = false;
}
function closeDialog() { $("dialog").hidden = true; $("dialog").replaceChildren(); }
function confirmDialog(confirm) {
  return new Promise((resolve) => {
    showDialog(confirm.title ? confirm.title.text : "Are you sure?", textObject(confirm.text), [
      el("button", { type: "button", onclick: () => { closeDialog(); resolve(false); } }, confirm.deny ? confirm.deny.text : "Cancel"),
      el("button", { type: "button", class: "primary", onclick: () => { closeDialog(); resolve(true); } }, confirm.confirm ? confirm.confirm.text : "Yes"),
    ]);
  });
}
function openView(post) {
  const v = post.body;
  showDialog(v.title ? v.title.text : "", renderBlocks(v.blocks || [], post), [
    el("button", { type: "button", onclick: closeDialog }, v.close ? v.close.text : "Cancel"),
    el("button", { type: "button", class: "danger", onclick: async () => { if (await submitView(post)) closeDialog(); } }, v.submit ? v.submit.text : "Submit"),
  ]);
}

// --- panels -------------------------------------------------------------------------------
function channelName(id) {
  const ws = state.workspace;
  return id === ws.review_channel ? "refund-reviews" : id === ws.summary_channel ? "refund-managers" : id === ws.alerts_channel ? "refund-alerts" : id;
}
function renderChannels() {
  const ws = state.workspace;
  const ids = [ws.review_channel, ws.summary_channel, ws.alerts_channel].filter(Boolean);
  $("channels").replaceChildren(...ids.map((id) => {
    const n = state.posts.filter((p) => p.kind === "message" && p.channel === id && !p.thread_ts).length;
    return el("li", { class: id === state.channel ? "active" : "", "data-channel": id, onclick: () => { state.channel = id; render(); } }, `# ${channelName(id)}`, el("span", { class: "count" }, n));
  }));
}
function renderMessages() {
  $("channel-title").textContent = `# ${channelName(state.channel)}`;
  const inChannel = state.posts.filter((p) => p.kind === "message" && p.channel === state.channel);
  const tops = inChannel.filter((p) => !p.thread_ts);
  $("messages").replaceChildren(...tops.flatMap((p) => renderMessage(p, inChannel.filter((r) => r.thread_ts === p.ts))));
}
function addPrivate(body, label) {
  const content = body.blocks && body.blocks.length ? renderBlocks(body.blocks, {}) : [textObject({ type: "mrkdwn", text: body.text || "" })];
  $("private").prepend(el("div", { class: "msg", "data-kind": label }, el("div", { class: "meta" }, label), content));
}
function renderPrivate() {
  const me = currentUser();
  const mine = state.posts.filter((p) => (p.kind === "ephemeral" && p.user_id === me) || (p.kind === "response" && state.responseOwners[p.ref] === me));
  const box = $("private-posts") || el("div", { id: "private-posts" });
  box.replaceChildren(...mine.reverse().map((p) => {
    const content = p.body.blocks && p.body.blocks.length ? renderBlocks(p.body.blocks, p) : [textObject({ type: "mrkdwn", text: p.body.text || "" })];
    return el("div", { class: "msg", "data-kind": p.kind }, el("div", { class: "meta" }, p.kind === "response" ? "reply from refundbot" : "only visible to you"), content);
  }));
  if (!box.parentNode) $("private").after(box);
}
function render() { renderChannels(); renderMessages(); renderPrivate(); }

async function poll() {
  try {
    const text = await fetch("/sandbox/api/posts").then((r) => r.text());
    if (text !== state.postsText) {
      state.postsText = text;
      state.posts = JSON.parse(text);
      for (const p of state.posts) {
        if (p.kind === "view" && state.waitingTriggers.has(p.ref) && !state.openedViews.has(p.id)) {
          state.openedViews.add(p.id);
          sessionStorage.setItem("openedViews", JSON.stringify([...state.openedViews]));
          state.waitingTriggers.delete(p.ref);
          openView(p);
        }
      }
      if ($("dialog").hidden) render();
      else { renderChannels(); renderPrivate(); }
    }
    const requests = await fetch("/sandbox/api/requests").then((r) => r.text());
    if (requests !== state.requestsText) {
      state.requestsText = requests;
      const fmt = (minor, currency) => {
        const f = new Intl.NumberFormat("en", { style: "currency", currency });
        const digits = f.resolvedOptions().maximumFractionDigits;
        return f.format(Number(BigInt(minor)) / 10 ** digits);
      };
      $("requests").tBodies[0].replaceChildren(...JSON.parse(requests).map((r) =>
        el("tr", { "data-request": r.request_id }, el("td", {}, r.request_id), el("td", { class: "state" }, r.state), el("td", {}, fmt(r.amount, r.currency)))));
    }
  } catch (e) {
    toast(`refundbot is not answering: ${e.message}`);
  }
}

async function start() {
  state.workspace = await fetch("/sandbox/api/workspace").then((r) => r.json());
  state.channel = state.workspace.review_channel;
  const select = $("user");
  for (const u of state.workspace.users) select.append(el("option", { value: u.id }, u.id));
  const saved = localStorage.getItem("actingAs");
  if (saved && state.workspace.users.some((u) => u.id === saved)) select.value = saved;
  const showRole = () => { $("role").textContent = state.workspace.users.find((u) => u.id === select.value).role; };
  select.addEventListener("change", () => { localStorage.setItem("actingAs", select.value); showRole(); renderPrivate(); });
  showRole();
  $("command").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = $("command-text").value.trim();
    if (text) sendCommand(text);
    $("command-text").value = "";
  });
  $("summary").addEventListener("click", async () => {
    const r = await fetch("/sandbox/api/summary", { method: "POST" });
    toast(r.ok ? "Summary queued; it appears in # refund-managers" : `HTTP ${r.status} ${await r.text()}`);
  });
  await poll();
  render();
  setInterval(poll, 1000);
}
start();
