/*
 * Steady Ground peer groups: local times on group pages, and the live chat room.
 *
 * Plain ES module, no dependencies, nothing inline: it runs under the site's strict CSP
 * (script-src 'self'). The page passes its settings and its translated words in data-*
 * attributes. Protocol: "Chat websocket" in DESIGN.md.
 *
 * What the room guarantees to the person using it:
 * - messages are shown in seq order, each once (by id), whatever order frames arrive in;
 * - a gap in seq that lasts about a second is filled with a `sync` frame; a dropped
 *   connection is retried with capped, jittered back-off and catches up with ?after_seq=;
 * - text someone typed is never lost: it stays on screen as "sending" until the server
 *   answers, is resent after a reconnect (same local_id, so never twice), and on a refusal
 *   stays with the reason and a way to try again or edit it.
 */

const BACKOFF_BASE_MS = 1000;
const BACKOFF_CAP_MS = 30000;
const GAP_GRACE_MS = 1000;
const SYNC_PATIENCE_MS = 3000;
const TYPING_SEND_EVERY_MS = 3000;
const TYPING_SHOW_MS = 5000;
const ANNOUNCE_BATCH_MS = 400;
const NEAR_BOTTOM_PX = 80;
const TOP_LOAD_PX = 24;
const REFUSAL_CODES = new Set([
  "empty",
  "too_long",
  "banned",
  "suspended",
  "muted",
  "rate_limited",
  "watched_word",
]);
const SAFE_LINK = /^(https?:|tel:|sms:|mailto:)/i;

const LONG_TIME = {
  weekday: "long",
  day: "numeric",
  month: "long",
  hour: "2-digit",
  minute: "2-digit",
  timeZoneName: "short",
};
const SHORT_TIME = { hour: "2-digit", minute: "2-digit" };
const DAY_TIME = { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };

function format(date, options) {
  try {
    return new Intl.DateTimeFormat(undefined, options).format(date);
  } catch {
    return date.toLocaleString();
  }
}

/** Show a <time data-local-time> in the browser's own time zone ("long" adds "your time"). */
function localizeTime(element) {
  const date = new Date(element.getAttribute("datetime"));
  if (Number.isNaN(date.getTime())) return;
  if (element.dataset.localTime === "long") {
    const holder = element.closest("[data-your-time]");
    const yourTime = holder ? holder.dataset.yourTime : "your time";
    element.textContent = `${format(date, LONG_TIME)} (${yourTime})`;
  } else {
    const today = date.toDateString() === new Date().toDateString();
    element.textContent = format(date, today ? SHORT_TIME : DAY_TIME);
    element.title = format(date, LONG_TIME);
  }
  element.dataset.localized = "true";
}

function localizeTimes(root) {
  for (const element of root.querySelectorAll("time[data-local-time]")) localizeTime(element);
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function newLocalId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  const random = Math.random().toString(36).slice(2, 12);
  return `${Date.now().toString(36)}-${random}`;
}

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  if (text) node.textContent = text;
  return node;
}

/** The words of already sanitised HTML, without loading anything it refers to. */
function plainText(html) {
  const doc = new DOMParser().parseFromString(html || "", "text/html");
  return (doc.body.textContent || "").replace(/\s+/g, " ").trim();
}

function memberName(value) {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") return value.pseudonym || value.member || value.name || "";
  return "";
}

class Room {
  constructor(root) {
    this.root = root;
    this.words = document.getElementById("chat-text").dataset;
    const data = root.dataset;
    this.wsPath = data.wsPath;
    this.apiBase = data.apiBase;
    this.ignoresUrl = data.ignoresUrl;
    this.helpUrl = data.helpUrl;
    this.me = data.me;
    this.meId = Number(data.meId);
    this.canModerate = data.canModerate === "true";
    this.firstSeq = Number(data.firstSeq) || 0;
    this.contiguous = Number(data.lastSeq) || 0; // every seq up to here is on screen
    this.maxSeen = this.contiguous;

    this.list = document.getElementById("chat-messages");
    this.pendingList = document.getElementById("chat-pending");
    this.scroller = document.getElementById("chat-scroll");
    this.form = document.getElementById("chat-form");
    this.input = document.getElementById("chat-input");
    this.cwInput = document.getElementById("chat-cw");
    this.sendButton = document.getElementById("chat-send");
    this.composerStatus = document.getElementById("chat-composer-status");
    this.connection = document.getElementById("chat-connection");
    this.connectionText = document.getElementById("chat-connection-text");
    this.reconnectNow = document.getElementById("chat-reconnect-now");
    this.presence = document.getElementById("chat-presence");
    this.typing = document.getElementById("chat-typing");
    this.announcer = document.getElementById("chat-announcer");
    this.signpost = document.getElementById("chat-signpost");
    this.earlierButton = document.getElementById("chat-load-earlier");
    this.earlierStatus = document.getElementById("chat-earlier-status");
    this.dialog = document.getElementById("chat-dialog");

    this.byId = new Map(); // message id -> <li>
    this.seqs = new Set(); // seqs above `contiguous` already on screen
    this.pending = new Map(); // local_id -> {li, body, cw, state}
    this.ignored = new Set(); // author ids this person chose to ignore, this visit
    this.typers = new Map(); // pseudonym -> timer
    this.announceQueue = [];

    this.socket = null;
    this.attempt = 0;
    this.everConnected = false;
    this.lostAnnounced = false;
    this.closedForGood = false;
    this.leaving = false;
    this.retryTimer = null;
    this.countdownTimer = null;
    this.gapTimer = null;
    this.muteTimer = null;
    this.mutedUntil = null;
    this.lastTypingSent = 0;
    this.loadingEarlier = false;
    this.dialogState = null;
  }

  /** A translated phrase from #chat-text (`name` as in its data-* attribute). */
  word(name, values = {}) {
    const key = name.replace(/-([a-z])/g, (all, letter) => letter.toUpperCase());
    const template = this.words[key] || "";
    return template.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));
  }

  start() {
    for (const li of this.list.querySelectorAll("li.msg")) {
      this.byId.set(Number(li.dataset.id), li);
      this.decorate(li);
    }
    for (const li of this.pendingList.querySelectorAll("li[data-held]")) {
      const localId = li.dataset.localId || newLocalId();
      const body = li.querySelector(".msg__body");
      this.pending.set(localId, { li, body: body ? body.textContent : "", cw: "", state: "held" });
    }
    localizeTimes(this.root);
    this.bindComposer();
    this.bindModeration();
    this.bindHistory();
    this.reconnectNow.addEventListener("click", () => this.connect());
    window.addEventListener("online", () => {
      if (!this.socket && !this.closedForGood) this.connect();
    });
    window.addEventListener("pagehide", () => {
      this.leaving = true;
      if (this.socket) this.socket.close(1000);
    });
    window.addEventListener("pageshow", (event) => {
      if (!event.persisted) return; // back from the browser's page cache: pick up again
      this.leaving = false;
      this.connect();
    });
    this.setComposerEnabled(true);
    this.scrollToBottom();
    this.connect();
  }

  // --- connection ----------------------------------------------------------------------------

  setConnection(state, text) {
    this.connection.dataset.state = state;
    this.connectionText.textContent = text;
    this.reconnectNow.hidden = state !== "waiting";
  }

  connect() {
    clearTimeout(this.retryTimer);
    clearInterval(this.countdownTimer);
    if (this.closedForGood || this.leaving) return;
    if (this.socket) return;
    this.setConnection("connecting", this.word("connecting"));
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${scheme}//${window.location.host}${this.wsPath}?after_seq=${this.contiguous}`;
    let socket;
    try {
      socket = new WebSocket(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.addEventListener("open", () => this.onOpen(socket));
    socket.addEventListener("message", (event) => this.onFrame(socket, event));
    socket.addEventListener("close", (event) => this.onClose(socket, event));
  }

  onOpen(socket) {
    if (socket !== this.socket) return;
    this.setConnection("connected", this.word("connected"));
    if (this.lostAnnounced) this.say(this.word("reconnected"));
    this.lostAnnounced = false;
    this.everConnected = true;
    for (const [localId, item] of this.pending) {
      if (item.state === "sending") this.transmit(localId);
    }
    this.checkGap();
  }

  onClose(socket, event) {
    if (socket !== this.socket) return;
    this.socket = null;
    this.presence.replaceChildren();
    this.clearTypers();
    const terminal = { 4401: "closed-4401", 4403: "closed-4403", 4404: "closed-4404" }[event.code];
    if (terminal) {
      this.closedForGood = true;
      this.setConnection("closed", this.word(terminal));
      this.setComposerEnabled(false);
      this.say(this.word(terminal));
      return;
    }
    if (this.leaving) return;
    if (this.everConnected && !this.lostAnnounced) {
      this.lostAnnounced = true;
      this.say(this.word("lost"));
    }
    this.scheduleReconnect();
  }

  /** Exponential back-off, capped, with jitter so a room's clients don't all return at once. */
  scheduleReconnect() {
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this.attempt += 1;
    const due = Date.now() + delay;
    const show = () => {
      const seconds = Math.max(1, Math.ceil((due - Date.now()) / 1000));
      this.setConnection("waiting", this.word("reconnecting", { seconds }));
    };
    show();
    clearInterval(this.countdownTimer);
    this.countdownTimer = setInterval(show, 1000);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  sendFrame(frame) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  onFrame(socket, event) {
    if (socket !== this.socket) return;
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    if (!frame || typeof frame !== "object") return;
    switch (frame.type) {
      case "hello":
        this.onHello(frame);
        break;
      case "standing":
        this.setMuted(frame.muted_until || null);
        break;
      case "message.new":
        this.attempt = 0;
        this.addMessage(frame.message, { live: true });
        break;
      case "message.removed":
        this.markRemoved(Number(frame.id));
        break;
      case "ack":
        this.onAck(frame);
        break;
      case "signpost":
        this.showSignpost(frame.signpost || frame);
        break;
      case "support":
        // A private message from the moderation team, shown like a signpost: to this member only.
        this.showSignpost({ ...frame, heading: this.word("support-heading") });
        break;
      case "presence":
        this.showPresence(frame.online || []);
        break;
      case "typing":
        this.onTyping(memberName(frame.member));
        break;
      case "error":
        this.onError(frame);
        break;
      default:
        if (Array.isArray(frame.messages)) {
          for (const message of frame.messages) this.addMessage(message, { live: true });
        }
    }
  }

  onHello(frame) {
    this.attempt = 0;
    const last = Number(frame.last_seq);
    if (Number.isFinite(last) && last > this.maxSeen) this.maxSeen = last;
    this.setMuted(frame.muted_until || null);
    this.checkGap();
  }

  // --- messages ------------------------------------------------------------------------------

  isNearBottom() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < NEAR_BOTTOM_PX;
  }

  scrollToBottom() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  renderMessage(payload) {
    const attributes = { class: "msg", id: `msg-${payload.id}`, "data-id": payload.id, "data-seq": payload.seq };
    const authorId = Number(payload.author_id);
    if (payload.removed) {
      const li = element("li", { ...attributes, class: "msg msg--removed" });
      li.append(element("p", { class: "msg__tombstone" }, this.word("removed")));
      return li;
    }
    if (payload.hidden || this.ignored.has(authorId)) {
      return element("li", { ...attributes, class: "msg msg--hidden", hidden: true });
    }
    const li = element("li", {
      ...attributes,
      class: authorId === this.meId ? "msg msg--mine" : "msg",
      "data-author": payload.author,
      "data-author-id": authorId,
      "data-local-id": payload.local_id || null,
    });
    const meta = element("p", { class: "msg__meta" });
    meta.append(element("span", { class: "msg__author" }, payload.author), " ");
    if (payload.created_at) {
      const time = element("time", { datetime: payload.created_at, "data-local-time": "short" });
      time.textContent = payload.created_at;
      localizeTime(time);
      meta.append(time);
    }
    li.append(meta);
    const body = element("div", { class: "msg__body" });
    body.innerHTML = payload.body_html || ""; // sanitised by the server (community/markup.py)
    if (payload.content_warning) {
      const details = element("details", { class: "msg__cw" });
      details.append(
        element("summary", {}, this.word("cw", { warning: payload.content_warning })),
        body,
      );
      li.append(details);
    } else {
      li.append(body);
    }
    this.decorate(li);
    return li;
  }

  /** Give a message its "Options" menu: Remove / Mute for facilitators, Ignore for everyone. */
  decorate(li) {
    if (!li.dataset.author || li.querySelector(".msg__options")) return;
    const name = li.dataset.author;
    const mine = Number(li.dataset.authorId) === this.meId;
    const buttons = [];
    if (this.canModerate) buttons.push(["remove", this.word("remove")]);
    if (!mine && this.canModerate) buttons.push(["mute", this.word("mute", { name })]);
    if (!mine) buttons.push(["ignore", this.word("ignore", { name })]);
    if (!buttons.length) return;
    const details = element("details", { class: "msg__options" });
    const summary = element("summary", {}, this.word("options"));
    summary.append(element("span", { class: "visually-hidden" }, ` ${this.word("options-for", { name })}`));
    const holder = element("div", { class: "msg__options-list" });
    for (const [action, label] of buttons) {
      holder.append(element("button", { type: "button", class: "link-button", "data-action": action }, label));
    }
    details.append(summary, holder);
    li.querySelector(".msg__meta").append(details);
  }

  insertBySeq(li) {
    const seq = Number(li.dataset.seq);
    let before = this.list.lastElementChild;
    while (before && Number(before.dataset.seq) > seq) before = before.previousElementSibling;
    if (before) before.after(li);
    else this.list.prepend(li);
    const empty = document.getElementById("chat-empty");
    if (empty) empty.remove();
  }

  addMessage(payload, { live }) {
    if (!payload || payload.id === undefined || payload.id === null) return;
    const id = Number(payload.id);
    const existing = this.byId.get(id);
    if (existing && existing.dataset.optimistic !== "true") {
      // Seen already: only a removal can change it (a replay can carry a newer tombstone).
      if (payload.removed) this.markRemoved(id);
      return;
    }
    const follow = this.isNearBottom();
    const li = this.renderMessage(payload);
    const ownPending = payload.local_id && this.pending.get(payload.local_id);
    if (ownPending && Number(payload.author_id) === this.meId) {
      ownPending.li.remove();
      this.pending.delete(payload.local_id);
    }
    if (existing) existing.replaceWith(li);
    else this.insertBySeq(li);
    this.byId.set(id, li);
    this.noteSeq(Number(payload.seq));
    const author = payload.author;
    if (author && this.typers.has(author)) this.stopTyping(author);
    if (live && !existing && !li.hidden && !payload.removed && Number(payload.author_id) !== this.meId) {
      this.announce(payload);
    }
    if (follow || Number(payload.author_id) === this.meId) this.scrollToBottom();
  }

  markRemoved(id) {
    const li = this.byId.get(id);
    if (!li || li.classList.contains("msg--removed") || li.hidden) return;
    const hadFocus = li.contains(document.activeElement);
    const tombstone = this.renderMessage({ id, seq: li.dataset.seq, removed: true });
    li.replaceWith(tombstone);
    this.byId.set(id, tombstone);
    if (hadFocus) {
      tombstone.tabIndex = -1;
      tombstone.focus();
    }
  }

  hideAuthor(authorId) {
    this.ignored.add(authorId);
    for (const li of this.list.querySelectorAll(`li[data-author-id="${authorId}"]`)) {
      const hidden = this.renderMessage({ id: li.dataset.id, seq: li.dataset.seq, hidden: true });
      li.replaceWith(hidden);
      this.byId.set(Number(li.dataset.id), hidden);
    }
  }

  // --- seq gaps ------------------------------------------------------------------------------

  noteSeq(seq) {
    if (!Number.isFinite(seq) || seq <= this.contiguous) return;
    this.seqs.add(seq);
    if (seq > this.maxSeen) this.maxSeen = seq;
    while (this.seqs.has(this.contiguous + 1)) {
      this.contiguous += 1;
      this.seqs.delete(this.contiguous);
    }
    this.checkGap();
  }

  /** Frames from two servers can cross: wait a moment before asking for a missing seq. */
  checkGap() {
    if (this.gapTimer || this.maxSeen <= this.contiguous) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      if (this.maxSeen <= this.contiguous) return;
      if (this.sendFrame({ type: "sync", after_seq: this.contiguous })) {
        this.gapTimer = setTimeout(() => {
          this.gapTimer = null;
          this.checkGap();
        }, SYNC_PATIENCE_MS);
      }
    }, GAP_GRACE_MS);
  }

  // --- sending -------------------------------------------------------------------------------

  bindComposer() {
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      event.preventDefault();
      this.send();
    });
    this.input.addEventListener("input", () => {
      const now = Date.now();
      if (!this.input.value.trim() || now - this.lastTypingSent < TYPING_SEND_EVERY_MS) return;
      if (this.sendFrame({ type: "typing" })) this.lastTypingSent = now;
    });
    this.pendingList.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-pending-action]");
      if (!button) return;
      const localId = button.closest("li").dataset.localId;
      if (button.dataset.pendingAction === "retry") this.retry(localId);
      else this.editFailed(localId);
    });
  }

  setComposerEnabled(enabled) {
    this.input.disabled = !enabled;
    this.sendButton.disabled = !enabled;
    this.cwInput.disabled = !enabled;
  }

  send() {
    if (this.mutedUntil || this.closedForGood) return;
    const body = this.input.value;
    if (!body.trim()) return;
    const cw = this.cwInput.value.trim();
    const localId = newLocalId();
    const li = element("li", { class: "msg msg--mine msg--sending", "data-local-id": localId });
    const meta = element("p", { class: "msg__meta" });
    meta.append(element("span", { class: "msg__author" }, this.me));
    li.append(meta, element("div", { class: "msg__body msg__body--plain" }, body));
    li.append(element("p", { class: "msg__status" }, this.word("sending")));
    this.pendingList.append(li);
    this.pending.set(localId, { li, body, cw, state: "sending" });
    this.input.value = "";
    this.cwInput.value = "";
    const cwDetails = this.cwInput.closest("details");
    if (cwDetails) cwDetails.open = false;
    this.lastTypingSent = 0;
    this.transmit(localId);
    this.scrollToBottom();
    this.input.focus();
  }

  /** Send (or resend: same local_id, so the server stores it once) a pending message. */
  transmit(localId) {
    const item = this.pending.get(localId);
    if (!item) return;
    item.state = "sending";
    this.setPendingStatus(item, this.word("sending"), "sending");
    const frame = { type: "message.send", body: item.body, local_id: localId };
    if (item.cw) frame.content_warning = item.cw;
    this.sendFrame(frame); // if the socket is down, onOpen sends it
  }

  setPendingStatus(item, text, state, { actions = false } = {}) {
    const li = item.li;
    li.classList.remove("msg--sending", "msg--held", "msg--failed");
    li.classList.add(`msg--${state}`);
    li.querySelector(".msg__status")?.remove();
    li.querySelector(".msg__retry")?.remove();
    const status = element("p", { class: "msg__status" }, text);
    li.append(status);
    if (actions) {
      const row = element("p", { class: "msg__retry" });
      row.append(
        element("button", { type: "button", class: "link-button", "data-pending-action": "retry" }, this.word("retry")),
        element("button", { type: "button", class: "link-button", "data-pending-action": "edit" }, this.word("edit")),
      );
      li.append(row);
    }
  }

  retry(localId) {
    if (this.mutedUntil) return;
    this.transmit(localId);
    this.input.focus();
  }

  editFailed(localId) {
    const item = this.pending.get(localId);
    if (!item) return;
    const current = this.input.value;
    this.input.value = current ? `${item.body}\n${current}` : item.body;
    if (item.cw) this.cwInput.value = item.cw;
    item.li.remove();
    this.pending.delete(localId);
    if (!this.input.disabled) this.input.focus();
  }

  onAck(frame) {
    const item = this.pending.get(frame.local_id);
    if (!item) return;
    if (frame.status === "held") {
      item.state = "held";
      this.setPendingStatus(item, frame.reason || this.word("held"), "held");
      return;
    }
    const id = Number(frame.id);
    const seq = Number(frame.seq);
    if (frame.status && !Number.isFinite(seq)) {
      // A repeat of a message that was taken down before anyone saw it.
      item.state = "done";
      this.setPendingStatus(item, this.word("removed"), "failed");
      this.pending.delete(frame.local_id);
      return;
    }
    if (!Number.isFinite(id) || !Number.isFinite(seq)) return;
    this.pending.delete(frame.local_id);
    if (this.byId.has(id)) {
      item.li.remove(); // the broadcast arrived first and is already in place
      return;
    }
    // Confirmed: put it in its place. The broadcast, when it comes, replaces it with the
    // rendered version (Markdown and all).
    const li = item.li;
    li.classList.remove("msg--sending");
    li.querySelector(".msg__status")?.remove();
    li.id = `msg-${id}`;
    li.dataset.id = String(id);
    li.dataset.seq = String(seq);
    li.dataset.optimistic = "true";
    li.dataset.author = this.me;
    li.dataset.authorId = String(this.meId);
    this.decorate(li);
    this.insertBySeq(li);
    this.byId.set(id, li);
    this.noteSeq(seq);
  }

  onError(frame) {
    if (frame.code === "muted") this.setMuted(frame.until || null);
    let item = frame.local_id ? this.pending.get(frame.local_id) : null;
    if (!item && !frame.local_id && REFUSAL_CODES.has(frame.code)) {
      const sending = [...this.pending.values()].filter((entry) => entry.state === "sending");
      if (sending.length === 1) item = sending[0];
    }
    const detail = frame.detail || this.word("failed");
    if (item) {
      item.state = "failed";
      this.setPendingStatus(item, `${this.word("not-sent")} ${detail}`, "failed", { actions: true });
      this.say(`${this.word("not-sent")} ${detail}`);
      return;
    }
    if (frame.code !== "muted") this.composerStatus.textContent = detail;
  }

  setMuted(until) {
    clearTimeout(this.muteTimer);
    const date = until ? new Date(until) : null;
    if (!date || Number.isNaN(date.getTime()) || date.getTime() <= Date.now()) {
      if (this.mutedUntil) {
        this.mutedUntil = null;
        this.composerStatus.textContent = this.word("unmuted");
        if (!this.closedForGood) this.setComposerEnabled(true);
      }
      return;
    }
    this.mutedUntil = date;
    this.setComposerEnabled(false);
    const time = format(date, date.toDateString() === new Date().toDateString() ? SHORT_TIME : LONG_TIME);
    this.composerStatus.textContent = this.word("muted", { time });
    const wait = Math.min(date.getTime() - Date.now() + 500, 2 ** 31 - 1);
    this.muteTimer = setTimeout(() => this.setMuted(null), wait);
  }

  // --- who is here ---------------------------------------------------------------------------

  showPresence(online) {
    const names = [...new Set(online.map(memberName).filter(Boolean))].sort((a, b) => {
      if (a === this.me) return -1;
      if (b === this.me) return 1;
      return a.localeCompare(b);
    });
    const items = names.map((name) =>
      element("li", {}, name === this.me ? `${name} ${this.word("you")}` : name),
    );
    if (!names.some((name) => name !== this.me)) {
      items.push(element("li", { class: "hint" }, this.word("just-you")));
    }
    this.presence.replaceChildren(...items);
  }

  onTyping(name) {
    if (!name || name === this.me) return;
    clearTimeout(this.typers.get(name));
    this.typers.set(name, setTimeout(() => this.stopTyping(name), TYPING_SHOW_MS));
    this.showTyping();
  }

  stopTyping(name) {
    clearTimeout(this.typers.get(name));
    this.typers.delete(name);
    this.showTyping();
  }

  clearTypers() {
    for (const timer of this.typers.values()) clearTimeout(timer);
    this.typers.clear();
    this.showTyping();
  }

  showTyping() {
    const names = [...this.typers.keys()];
    if (names.length === 0) this.typing.textContent = "";
    else if (names.length === 1) this.typing.textContent = this.word("typing-one", { name: names[0] });
    else if (names.length === 2) this.typing.textContent = this.word("typing-two", { a: names[0], b: names[1] });
    else this.typing.textContent = this.word("typing-many");
  }

  // --- screen readers ------------------------------------------------------------------------

  say(text) {
    // The last thing said wins: an earlier pending line must not land after it.
    window.clearTimeout(this.sayTimer);
    this.announcer.textContent = "";
    this.sayTimer = window.setTimeout(() => {
      this.announcer.textContent = text;
    }, 50);
  }

  /** Confirm the reader's own action: it is what they are waiting to hear, so messages still
   * waiting to be summed up (already shown in the list) are not read over it. */
  confirm(text) {
    clearTimeout(this.announceTimer);
    this.announceQueue = [];
    this.say(text);
  }

  /** New messages from others, read out politely; a burst (a catch-up) is summed up. */
  announce(payload) {
    this.announceQueue.push(payload);
    clearTimeout(this.announceTimer);
    this.announceTimer = setTimeout(() => {
      const queue = this.announceQueue;
      this.announceQueue = [];
      if (queue.length === 1) {
        const [message] = queue;
        if (message.content_warning) {
          this.say(this.word("announce-cw", { name: message.author, warning: message.content_warning }));
        } else {
          const text = plainText(message.body_html).slice(0, 300);
          this.say(this.word("announce-one", { name: message.author, text }));
        }
      } else if (queue.length > 1) {
        this.say(this.word("announce-many", { count: queue.length }));
      }
    }, ANNOUNCE_BATCH_MS);
  }

  // --- signposting ---------------------------------------------------------------------------

  /** The same panel as templates/includes/signpost.html, for the author only, and focused. */
  showSignpost(offer) {
    const section = element("section", {
      class: "signpost",
      id: "chat-signpost-panel",
      "aria-labelledby": "chat-signpost-heading",
      tabindex: "-1",
    });
    const heading =
      offer.heading ||
      (offer.tier === "someone_else" ? this.word("signpost-heading-other") : this.word("signpost-heading"));
    section.append(element("h2", { id: "chat-signpost-heading" }, heading));
    section.append(element("p", {}, offer.text || ""));
    const resources = Array.isArray(offer.resources) ? offer.resources : [];
    if (resources.length) {
      const list = element("ul", { class: "signpost__resources" });
      for (const resource of resources) {
        const item = element("li");
        item.append(element("strong", {}, resource.name || ""), ": ");
        const href = [resource.tel, resource.sms, resource.url].find((value) => value && SAFE_LINK.test(value));
        if (href) {
          const link = element("a", { href }, resource.contact || href);
          if (href === resource.url) link.rel = "noopener noreferrer";
          item.append(link);
        } else {
          item.append(resource.contact || "");
        }
        if (resource.hours) {
          item.append(" ", element("span", { class: "signpost__hours" }, `(${resource.hours})`));
        }
        list.append(item);
      }
      section.append(list);
    }
    const all = element("p");
    all.append(element("a", { href: this.helpUrl }, this.word("signpost-all")));
    section.append(all);
    this.signpost.replaceChildren(section);
    section.scrollIntoView({ block: "nearest" });
    section.focus();
  }

  // --- earlier messages ----------------------------------------------------------------------

  bindHistory() {
    this.earlierButton.addEventListener("click", () => this.loadEarlier());
    this.scroller.addEventListener("scroll", () => {
      if (this.scroller.scrollTop < TOP_LOAD_PX && !this.earlierButton.hidden) this.loadEarlier();
    });
  }

  async loadEarlier() {
    if (this.loadingEarlier || this.firstSeq <= 1) return;
    this.loadingEarlier = true;
    this.earlierButton.setAttribute("aria-disabled", "true");
    this.earlierStatus.textContent = this.word("loading");
    try {
      const data = await this.api("GET", `${this.apiBase}messages/?before_seq=${this.firstSeq}`);
      const results = (data && data.results) || [];
      const height = this.scroller.scrollHeight;
      const top = this.scroller.scrollTop;
      const fragment = document.createDocumentFragment();
      for (const payload of results) {
        const id = Number(payload.id);
        if (this.byId.has(id)) continue;
        const li = this.renderMessage(payload);
        this.byId.set(id, li);
        fragment.append(li);
        const seq = Number(payload.seq);
        if (Number.isFinite(seq) && seq < this.firstSeq) this.firstSeq = seq;
      }
      this.list.prepend(fragment);
      this.scroller.scrollTop = top + (this.scroller.scrollHeight - height);
      const more = data && data.next_before_seq !== null && data.next_before_seq !== undefined;
      if (!results.length || !more || this.firstSeq <= 1) {
        this.firstSeq = Math.min(this.firstSeq, 1);
        if (document.activeElement === this.earlierButton) this.scroller.focus();
        this.earlierButton.hidden = true;
        this.earlierStatus.textContent = this.word("start");
      } else {
        this.earlierStatus.textContent = "";
      }
    } catch {
      this.earlierStatus.textContent = this.word("load-failed");
    } finally {
      this.loadingEarlier = false;
      this.earlierButton.removeAttribute("aria-disabled");
    }
  }

  async api(method, url, body) {
    const response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (!response.ok) {
      let detail = data && typeof data.detail === "string" ? data.detail : "";
      if (!detail && data && typeof data === "object") {
        const first = Object.values(data).flat()[0];
        if (typeof first === "string") detail = first;
      }
      throw new Error(detail || this.word("failed"));
    }
    return data;
  }

  // --- facilitators and ignoring -------------------------------------------------------------

  bindModeration() {
    this.list.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (!button) return;
      this.openDialog(button.dataset.action, button.closest("li"), button);
    });
    document.getElementById("chat-dialog-cancel").addEventListener("click", () => this.dialog.close());
    document.getElementById("chat-dialog-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.confirmDialog();
    });
    this.dialog.addEventListener("close", () => {
      const state = this.dialogState;
      this.dialogState = null;
      if (!state) return;
      const target = state.opener.isConnected ? state.opener : this.input.disabled ? this.scroller : this.input;
      target.focus();
    });
  }

  openDialog(action, li, opener) {
    const name = li.dataset.author;
    const titles = { remove: "remove-title", mute: "mute-title", ignore: "ignore-title" };
    const texts = { remove: "remove-text", mute: "mute-text", ignore: "ignore-text" };
    const confirms = { remove: "remove", mute: "mute", ignore: "ignore" };
    document.getElementById("chat-dialog-title").textContent = this.word(titles[action], { name });
    document.getElementById("chat-dialog-text").textContent = this.word(texts[action], { name });
    document.getElementById("chat-dialog-confirm").textContent = this.word(confirms[action], { name });
    document.getElementById("chat-dialog-minutes-field").hidden = action !== "mute";
    document.getElementById("chat-dialog-reason-field").hidden = action === "ignore";
    const reason = document.getElementById("chat-dialog-reason");
    reason.value = "";
    reason.removeAttribute("aria-invalid");
    document.getElementById("chat-dialog-error").textContent = "";
    this.dialogState = {
      action,
      name,
      opener,
      id: Number(li.dataset.id),
      authorId: Number(li.dataset.authorId),
    };
    this.dialog.showModal();
    (action === "ignore" ? document.getElementById("chat-dialog-confirm") : action === "mute" ? document.getElementById("chat-dialog-minutes") : reason).focus();
  }

  async confirmDialog() {
    const state = this.dialogState;
    if (!state || state.busy) return;
    const reasonField = document.getElementById("chat-dialog-reason");
    const error = document.getElementById("chat-dialog-error");
    const confirm = document.getElementById("chat-dialog-confirm");
    const reason = reasonField.value.trim();
    if (state.action !== "ignore" && !reason) {
      error.textContent = this.word("reason-needed");
      reasonField.setAttribute("aria-invalid", "true");
      reasonField.focus();
      return;
    }
    state.busy = true;
    confirm.setAttribute("aria-disabled", "true");
    try {
      if (state.action === "remove") {
        await this.api("POST", `${this.apiBase}messages/${state.id}/remove/`, { reason });
        this.markRemoved(state.id);
        this.confirm(this.word("removed-done"));
      } else if (state.action === "mute") {
        const minutes = Number(document.getElementById("chat-dialog-minutes").value);
        const data = await this.api("POST", `${this.apiBase}mutes/`, { member: state.name, minutes, reason });
        const until = data && data.until ? new Date(data.until) : null;
        const time = until && !Number.isNaN(until.getTime()) ? format(until, LONG_TIME) : "";
        this.confirm(this.word("muted-done", { name: state.name, time }));
      } else {
        await this.api("PUT", `${this.ignoresUrl}${encodeURIComponent(state.name)}/`);
        this.hideAuthor(state.authorId);
        this.say(this.word("ignored-done", { name: state.name }));
      }
      this.dialog.close();
    } catch (failure) {
      error.textContent = failure.message || this.word("failed");
    } finally {
      state.busy = false;
      confirm.removeAttribute("aria-disabled");
    }
  }
}

localizeTimes(document);
const roomElement = document.getElementById("chat-room");
if (roomElement) {
  const room = new Room(roomElement);
  room.start();
}
