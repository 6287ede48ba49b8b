// Messages view: GET /api/messages?box=inbox|outbox; each message's OSCC-style text is
// shown as sent, in a monospace block.

import { apiAll } from "./api.js";
import { fill, fmtUtc, h, problemBox, status, uid } from "./ui.js";

export function start(section) {
  const list = section.querySelector("#messages-list");
  const line = section.querySelector("#messages-status");
  const box = () => section.querySelector('input[name="box"]:checked').value;
  let request = 0;

  async function load() {
    const mine = ++request;
    const which = box();
    status(line, "busy", `Loading the ${which}…`);
    try {
      const messages = await apiAll("/api/messages", { query: { box: which } });
      if (mine !== request) return;
      status(line, "ok", `${messages.length} message${messages.length === 1 ? "" : "s"} in the ${which}.`);
      if (!messages.length) {
        fill(list, h("p", { class: "empty" }, `The ${which} is empty.`));
        return;
      }
      fill(
        list,
        [...messages].reverse().map((m) => {
          const id = uid("msg");
          const to = Array.isArray(m.to) ? m.to.join(", ") : m.to;
          return h(
            "article",
            { class: "card message", "aria-labelledby": id, "data-kind": m.kind },
            h(
              "header",
              { class: "message-head" },
              h("h2", { id }, (m.kind || "message").replaceAll("_", " ")),
              h(
                "p",
                { class: "muted small" },
                `No. ${m.id} · from ${m.from} to ${to || "—"}`,
                m.to_all_parties ? " (copy to all States Parties)" : "",
                ` · ${fmtUtc(m.created_at)}`,
              ),
            ),
            h("pre", { class: "mono", tabindex: "0", "aria-label": `Text of message ${m.id}` }, m.text),
          );
        }),
      );
    } catch (error) {
      if (mine !== request) return;
      status(line, "error", "");
      fill(list, problemBox(error));
    }
  }

  for (const radio of section.querySelectorAll('input[name="box"]')) {
    radio.addEventListener("change", load);
  }
  section.querySelector("#messages-refresh").addEventListener("click", load);
  return { shown: load };
}
