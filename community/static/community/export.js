// /me/export/: while a copy of the member's data is being prepared, show its progress without
// reloading, then swap in the finished section (with its Download link) from the page itself.
// No inline script anywhere: the page's CSP allows scripts from this site only.
(function () {
  "use strict";

  const POLL_MS = 1500;
  const RETRY_MS = 5000;
  const BUSY = new Set(["pending", "running"]);

  function start() {
    const section = document.getElementById("export-latest");
    if (!section || !section.dataset.statusUrl || !BUSY.has(section.dataset.state)) {
      return;
    }
    const bar = document.getElementById("export-progress");
    const status = document.getElementById("export-status");
    const announce = document.getElementById("export-announce");

    function stepText(data) {
      if (!data.step_label) {
        return section.dataset.textWaiting;
      }
      return section.dataset.textStep
        .replace("%(step)s", data.step_label)
        .replace("%(percent)s", String(data.progress));
    }

    async function swapInFinishedSection() {
      const response = await fetch(window.location.pathname, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (!response.ok) {
        window.location.reload();
        return;
      }
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("export-latest");
      if (fresh) {
        section.replaceWith(document.adoptNode(fresh));
      }
    }

    async function poll() {
      let data;
      try {
        const response = await fetch(section.dataset.statusUrl, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        data = await response.json();
      } catch (error) {
        window.setTimeout(poll, RETRY_MS);
        return;
      }
      if (BUSY.has(data.state)) {
        if (bar) {
          bar.value = data.progress;
          bar.textContent = data.progress + "%";
        }
        const text = stepText(data);
        if (status && status.textContent !== text) {
          status.textContent = text;
        }
        window.setTimeout(poll, POLL_MS);
        return;
      }
      await swapInFinishedSection();
      if (announce) {
        announce.textContent =
          data.state === "ready" ? section.dataset.textReady : section.dataset.textFailed;
      }
    }

    window.setTimeout(poll, POLL_MS);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
