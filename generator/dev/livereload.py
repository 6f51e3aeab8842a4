"""Build epochs, server-sent events to the pages a browser has open, and the error overlay."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass

# Served by the development server only; never written into site/.
ENDPOINT = "/__marginalia/"
EVENTS_PATH = ENDPOINT + "events"
SCRIPT_PATH = ENDPOINT + "livereload.js"


@dataclass(frozen=True, slots=True)
class BuildState:
    """What the browser is told after each build."""

    epoch: int
    changed: tuple[str, ...]  # URL paths of the pages this build changed
    error: str | None  # the build's error message, when it failed

    def to_json(self) -> str:
        return json.dumps({"epoch": self.epoch, "changed": self.changed, "error": self.error})


class BuildEvents:
    """The latest build state, and a way to wait for the next one."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._state = BuildState(epoch=0, changed=(), error=None)
        self._closed = False

    @property
    def state(self) -> BuildState:
        with self._condition:
            return self._state

    def publish(self, *, changed: Iterable[str] = (), error: str | None = None) -> BuildState:
        with self._condition:
            self._state = BuildState(self._state.epoch + 1, tuple(sorted(changed)), error)
            self._condition.notify_all()
            return self._state

    def wait_after(self, epoch: int, timeout: float) -> BuildState | None:
        """The first state newer than epoch; None on timeout or when closed."""
        with self._condition:
            self._condition.wait_for(
                lambda: self._closed or self._state.epoch > epoch, timeout=timeout
            )
            if self._closed or self._state.epoch <= epoch:
                return None
            return self._state

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed


def page_urls(output_files: Iterable[str], base_path: str) -> list[str]:
    """URL paths readers use for output files: 'a/index.html' -> '/base/a/'."""
    paths = []
    for output in output_files:
        if output.endswith(".html"):
            folder = output.removesuffix("index.html")
            paths.append(base_path + folder)
    return paths


def inject_client(html: bytes) -> bytes:
    """The page with the live-reload client added before </body>."""
    tag = f'<script src="{SCRIPT_PATH}" data-events="{EVENTS_PATH}"></script>'.encode()
    marker = html.rfind(b"</body>")
    if marker == -1:
        return html + tag
    return html[:marker] + tag + html[marker:]


# The client: reload when a build changed this page, show a failed build over the page,
# and reload once it is fixed. The error text is set as text, never as HTML.
CLIENT_SCRIPT = r"""
(() => {
  const script = document.currentScript;
  const here = decodeURI(location.pathname).replace(/index\.html$/, "");
  let epoch = null;
  let overlay = null;

  function showError(message) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "marginalia-build-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = [
        "position:fixed", "inset:0", "z-index:2147483647", "overflow:auto",
        "background:rgba(20,20,20,.94)", "color:#fff", "padding:2rem",
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace",
      ].join(";");
      const title = document.createElement("h2");
      title.textContent = "Build failed: the page shows the last good build";
      title.style.cssText = "color:#ff8a80;font:bold 18px system-ui,sans-serif;margin:0 0 1rem";
      const body = document.createElement("pre");
      body.style.cssText = "white-space:pre-wrap;margin:0";
      overlay.append(title, body);
      document.body.append(overlay);
    }
    overlay.querySelector("pre").textContent = message;
  }

  const events = new EventSource(script.dataset.events);
  events.onmessage = (message) => {
    const state = JSON.parse(message.data);
    const first = epoch === null;
    const missed = !first && state.epoch > epoch + 1;
    epoch = state.epoch;
    if (state.error) {
      showError(state.error);
      return;
    }
    if (overlay || (!first && (missed || state.changed.includes(here)))) {
      location.reload();
    }
  };
})();
"""
