/*
 * Steady Ground review dashboard: keeps the queue and an open item current.
 *
 * Plain script, no dependencies, nothing inline: it runs under the site's strict CSP
 * (script-src 'self'). The page passes its settings in data-* attributes on #mod-live and its
 * translated words on #mod-words. Every action on these pages is a plain form, so the pages
 * work fully without this script; it only adds live updates:
 *
 * - it listens on /ws/moderation/ (frames: queue.hello {counts}, queue.changed {event, item,
 *   counts}, queue.counts {counts}, pong, error) and reconnects with capped, jittered back-off;
 * - on every change it updates the urgent count in the header and the tab counts, and on the
 *   queue re-fetches the rows (debounced), keeping ticked boxes ticked and focus where it was;
 *   new urgent items are announced in a polite live region;
 * - on an item page, a claim or a resolution by someone else is shown at once, with a link to
 *   reload.
 * - choosing a template fills the text box it names (data-fill-target), so it can be edited.
 */
(function () {
  "use strict";

  const BACKOFF_BASE_MS = 1000;
  const BACKOFF_CAP_MS = 30000;
  const REFRESH_DEBOUNCE_MS = 300;
  const PING_EVERY_MS = 25000;
  const AGE_REFRESH_MS = 60000;
  const URGENT = "crisis_urgent";

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, (match, key) =>
      Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match,
    );
  }

  /** Choosing a template puts its text in the box named by data-fill-target, to edit. */
  function setUpTemplatePickers(words) {
    for (const picker of document.querySelectorAll("select[data-fill-target]")) {
      const target = document.getElementById(picker.dataset.fillTarget);
      if (!target) continue;
      let lastFilled = target.value;
      picker.addEventListener("change", () => {
        const option = picker.options[picker.selectedIndex];
        const body = option ? option.dataset.body || "" : "";
        if (!body) return;
        const typed = target.value.trim();
        if (typed && target.value !== lastFilled && !window.confirm(words.replaceText)) return;
        target.value = body;
        lastFilled = body;
      });
    }
    for (const button of document.querySelectorAll("[data-js-hide]")) button.hidden = true;
  }

  class Dashboard {
    constructor(root) {
      this.root = root;
      this.page = root.dataset.page;
      this.itemId = Number(root.dataset.itemId) || null;
      this.rowsUrl = root.dataset.rowsUrl || "";
      this.wsPath = root.dataset.wsPath || "/ws/moderation/";
      const wordsElement = document.getElementById("mod-words");
      this.words = wordsElement ? wordsElement.dataset : {};
      this.me = this.words.me || "";
      this.connection = document.getElementById("mod-connection");
      this.announcer = document.getElementById("mod-announcer");
      this.rows = document.getElementById("queue-rows");
      this.attempt = 0;
      this.socket = null;
      this.refreshTimer = null;
      this.fetching = false;
      this.refetch = false;
      this.leaving = false;
      this.knownUrgent = new Set(this.urgentIdsOnScreen());

      // A form on this page is being sent: what the socket says next is our own doing.
      document.addEventListener("submit", () => {
        this.leaving = true;
      });
      window.addEventListener("pageshow", () => {
        this.leaving = false;
      });
      if (this.rows) {
        window.setInterval(() => {
          if (document.visibilityState === "visible") this.scheduleRefresh();
        }, AGE_REFRESH_MS);
      }
      this.connect();
    }

    word(name, values = {}) {
      return fill(this.words[name] || "", values);
    }

    setConnection(text) {
      if (!this.connection) return;
      this.connection.hidden = !text;
      this.connection.textContent = text;
    }

    say(text) {
      if (!this.announcer || !text) return;
      this.announcer.textContent = "";
      window.setTimeout(() => {
        this.announcer.textContent = text;
      }, 50);
    }

    connect() {
      const scheme = window.location.protocol === "https:" ? "wss" : "ws";
      let socket;
      try {
        socket = new WebSocket(`${scheme}://${window.location.host}${this.wsPath}`);
      } catch {
        this.retry();
        return;
      }
      this.socket = socket;
      if (this.attempt === 0) this.setConnection(this.word("connecting"));
      socket.addEventListener("open", () => {
        const wasRetrying = this.attempt > 0;
        this.attempt = 0;
        this.setConnection(this.word("live"));
        this.pinger = window.setInterval(() => this.send({ type: "ping" }), PING_EVERY_MS);
        // Whatever changed while we were away: fetch the rows again.
        if (wasRetrying) this.scheduleRefresh();
      });
      socket.addEventListener("message", (event) => {
        let frame;
        try {
          frame = JSON.parse(event.data);
        } catch {
          return;
        }
        this.receive(frame);
      });
      socket.addEventListener("close", (event) => {
        window.clearInterval(this.pinger);
        if (this.socket !== socket) return;
        this.socket = null;
        if (event.code === 4403) {
          this.setConnection(this.word("refused"));
          return;
        }
        this.retry();
      });
    }

    retry() {
      if (this.leaving) return;
      const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
      const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
      this.attempt += 1;
      this.setConnection(this.word("reconnecting", { seconds: Math.ceil(delay / 1000) }));
      window.setTimeout(() => this.connect(), delay);
    }

    send(frame) {
      if (this.socket && this.socket.readyState === WebSocket.OPEN) {
        this.socket.send(JSON.stringify(frame));
      }
    }

    receive(frame) {
      switch (frame.type) {
        case "queue.hello":
        case "queue.counts":
          this.showCounts(frame.counts);
          break;
        case "queue.changed":
          this.showCounts(frame.counts);
          this.changed(frame.event, frame.item || null);
          break;
        default:
          break; // pong, error: nothing to show
      }
    }

    showCounts(counts) {
      if (!counts) return;
      const urgent = Number(counts.urgent) || 0;
      const header = document.getElementById("mod-urgent");
      if (header) {
        header.dataset.urgentCount = String(urgent);
        header.classList.toggle("mod-urgent--waiting", urgent > 0);
        const number = header.querySelector(".mod-urgent__count");
        if (number) number.textContent = String(urgent);
        const label = header.querySelector(".mod-urgent__label");
        if (label) label.textContent = urgent === 1 ? this.word("urgentOne") : this.word("urgentMany");
      }
      const tabs = counts.tabs || {};
      for (const element of document.querySelectorAll("[data-tab-count]")) {
        const name = element.dataset.tabCount;
        if (Object.prototype.hasOwnProperty.call(tabs, name)) element.textContent = String(tabs[name]);
      }
    }

    changed(event, item) {
      if (this.rows) {
        if (event === "new" && item && item.reason === URGENT && item.state !== "resolved") {
          this.newUrgent = (this.newUrgent || 0) + 1;
        }
        this.scheduleRefresh();
      }
      if (this.itemId && item && Number(item.id) === this.itemId && !this.leaving) {
        this.itemChanged(event, item);
      }
    }

    itemChanged(event, item) {
      let text = "";
      if (event === "claimed" && item.claimed_by && item.claimed_by !== this.me) {
        text = this.word("claimedOther", { name: item.claimed_by });
      } else if (event === "released") {
        text = this.word("released");
      } else if (event === "resolved") {
        text = this.word("resolvedOther");
      } else if (event === "updated") {
        text = this.word("updated");
      }
      if (!text) return;
      const notice = document.getElementById("item-live-notice");
      const holder = document.getElementById("item-live-text");
      if (!notice || !holder) return;
      holder.textContent = text;
      notice.hidden = false;
    }

    // --- the queue's rows ---------------------------------------------------------------------

    urgentIdsOnScreen() {
      if (!this.rows) return [];
      return Array.from(this.rows.querySelectorAll(".queue-row--urgent")).map(
        (row) => row.dataset.itemId,
      );
    }

    scheduleRefresh() {
      if (!this.rows || !this.rowsUrl) return;
      window.clearTimeout(this.refreshTimer);
      this.refreshTimer = window.setTimeout(() => this.refresh(), REFRESH_DEBOUNCE_MS);
    }

    async refresh() {
      if (this.fetching) {
        this.refetch = true;
        return;
      }
      this.fetching = true;
      try {
        const response = await fetch(this.rowsUrl + window.location.search, {
          credentials: "same-origin",
          headers: { Accept: "text/html", "X-Requested-With": "fetch" },
          cache: "no-store",
        });
        if (response.ok) this.swapRows(await response.text());
      } catch {
        // The socket's reconnect fetches again; the page itself still works.
      } finally {
        this.fetching = false;
        if (this.refetch) {
          this.refetch = false;
          this.scheduleRefresh();
        }
      }
    }

    swapRows(html) {
      const ticked = new Set(
        Array.from(this.rows.querySelectorAll('input[name="items"]:checked')).map((box) => box.value),
      );
      const active = document.activeElement;
      const focusKey = active && this.rows.contains(active) ? active.dataset.focusKey || "" : "";
      const focusWasInRows = active && this.rows.contains(active);

      const holder = document.createElement("template");
      holder.innerHTML = html;
      this.rows.replaceChildren(holder.content);

      for (const box of this.rows.querySelectorAll('input[name="items"]')) {
        if (ticked.has(box.value)) box.checked = true;
      }
      if (focusKey) {
        const again = this.rows.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`);
        if (again) again.focus();
        else this.rows.focus();
      } else if (focusWasInRows) {
        this.rows.focus();
      }

      const counts = this.rows.querySelector("[data-queue-counts]");
      if (counts) {
        const tabs = {};
        for (const [key, value] of Object.entries(counts.dataset)) {
          if (key.startsWith("tab") && key.length > 3) {
            tabs[key.slice(3).toLowerCase()] = Number(value);
          }
        }
        this.showCounts({ urgent: Number(counts.dataset.urgent) || 0, tabs });
      }

      const urgentNow = this.urgentIdsOnScreen();
      const fresh = urgentNow.filter((id) => !this.knownUrgent.has(id));
      this.knownUrgent = new Set(urgentNow);
      const count = Math.max(fresh.length, this.newUrgent || 0);
      this.newUrgent = 0;
      if (count === 1) this.say(this.word("newUrgentOne"));
      else if (count > 1) this.say(this.word("newUrgentMany", { count }));
    }
  }

  function start() {
    const root = document.getElementById("mod-live");
    const wordsElement = document.getElementById("mod-words");
    setUpTemplatePickers(wordsElement ? wordsElement.dataset : {});
    if (root && "WebSocket" in window) new Dashboard(root);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
