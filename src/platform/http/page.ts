/**
 * The duty-desk page: one HTML document with its script, no build step and nothing fetched from
 * elsewhere (the supervision office may have no internet). It draws the snapshot the server pushes
 * over server-sent events. Everything from a gateway or an operator (a ticket's notes) is untrusted
 * text: the page sets textContent only, never HTML. Elements carry data-* attributes the browser test reads.
 *
 * While the server cannot build a snapshot (the database is down) it sends `unavailable` instead:
 * the page then says so in a banner, the indicator leaves "live", and the ticket timers stop at the
 * last snapshot and are marked stale, so nobody reads a frozen desk as the current one. The next
 * snapshot clears all of it.
 */
export const DUTY_DESK_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>elevgw duty desk</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }
  header { display: flex; align-items: baseline; gap: 16px; padding: 10px 20px; background: #1d2330; color: #fff; }
  header h1 { font-size: 18px; margin: 0; }
  #conn.live { color: #7ddc8b; } #conn.down { color: #ff8a80; }
  #banner { padding: 8px 20px; background: #b3261e; color: #fff; font-weight: 600; }
  .stale { color: #8a90a0; text-decoration: line-through dotted; }
  main { padding: 12px 20px; display: grid; gap: 16px; }
  section { background: #fff; border-radius: 6px; padding: 10px 14px; box-shadow: 0 1px 2px #0002; }
  h2 { font-size: 15px; margin: 0 0 8px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e3e5ea; vertical-align: top; }
  th { font-weight: 600; color: #5a6172; font-size: 12px; text-transform: uppercase; }
  .empty { color: #8a90a0; font-style: italic; }
  .pill { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
  .open { background: #ffe0de; color: #b3261e; } .escalated { background: #b3261e; color: #fff; }
  .acknowledged { background: #fff1c2; color: #7a5a00; } .resolved { background: #dff3e4; color: #1e6b34; }
  .online { background: #dff3e4; color: #1e6b34; } .offline { background: #ffe0de; color: #b3261e; }
  .silent, .unknown { background: #fff1c2; color: #7a5a00; }
  .critical { color: #b3261e; font-weight: 600; } .fault { color: #c25400; } .warning { color: #7a5a00; }
  button { font: inherit; padding: 2px 10px; margin-right: 4px; cursor: pointer; }
  .muted { color: #8a90a0; font-size: 12px; }
  .note { color: #1d2330; padding-left: 12px; white-space: pre-wrap; }
</style>
</head>
<body>
<header><h1>elevgw duty desk</h1><span>rescue hotline 963333</span><span id="clock" class="muted"></span><span id="conn" class="down">connecting…</span></header>
<div id="banner" data-role="unavailable" hidden></div>
<main>
  <section><h2>Rescue tickets</h2><table id="tickets"></table></section>
  <section><h2>Open faults</h2><table id="faults"></table></section>
  <section><h2>Elevators</h2><table id="elevators"></table></section>
  <section><h2>Gateways</h2><table id="gateways"></table></section>
  <section><h2>Dead letters (latest)</h2><table id="dead"></table></section>
</main>
<script>
"use strict";
let snap = null, offset = 0, down = null;
const h = (tag, attrs, ...kids) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") el.className = v; else if (k.startsWith("on")) el.addEventListener(k.slice(2), v); else el.setAttribute(k, String(v));
  }
  for (const k of kids.flat()) el.append(k instanceof Node ? k : document.createTextNode(k == null ? "" : String(k)));
  return el;
};
const time = (ms) => ms == null ? "" : new Date(ms).toLocaleString();
const two = (n) => String(n).padStart(2, "0");
const hhmm = (ms, seconds) => { const d = new Date(ms); return two(d.getHours()) + ":" + two(d.getMinutes()) + (seconds ? ":" + two(d.getSeconds()) : ""); };
const mmss = (ms) => { const s = Math.max(0, Math.round(ms / 1000)); return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0"); };
const table = (id, head, rows, empty) => {
  const t = document.getElementById(id);
  t.replaceChildren(h("tr", {}, head.map((c) => h("th", {}, c))), ...(rows.length ? rows : [h("tr", {}, h("td", { class: "empty", colspan: head.length }, empty))]));
};
async function command(id, action) {
  let token = sessionStorage.getItem("elevgw-token");
  if (!token) { token = prompt("Operator token"); if (!token) return; sessionStorage.setItem("elevgw-token", token); }
  const note = action === "close" ? (prompt("Note (optional)") || undefined) : undefined;
  const r = await fetch("/api/tickets/" + encodeURIComponent(id) + "/" + action, { method: "POST", headers: { authorization: "Bearer " + token, "content-type": "application/json" }, body: JSON.stringify(note ? { note } : {}) });
  if (r.status === 401) { sessionStorage.removeItem("elevgw-token"); alert("Token refused"); }
  else if (!r.ok) { const b = await r.json().catch(() => ({})); alert((b.error && b.error.message) || r.statusText); }
}
function ticketTimer(t, now) {
  if (t.state === "resolved") return "resolved " + time(t.resolvedMs) + " (" + (t.resolution || "") + ")";
  if (t.state === "acknowledged") return "acknowledged " + time(t.acknowledgedMs);
  const open = "open " + mmss(now - t.openedMs);
  return t.nextEscalationMs == null ? open : open + ", escalates in " + mmss(t.nextEscalationMs - now);
}
function drawBanner() {
  const banner = document.getElementById("banner");
  banner.hidden = !down;
  if (!down) return;
  banner.textContent = "database unreachable since " + hhmm(down.sinceMs) + " — " + (snap ? "tickets below as of " + hhmm(snap.nowMs, true) : "nothing to show yet");
  banner.title = down.message;
}
function draw() {
  drawBanner();
  if (!snap) return;
  // Stale data keeps its own time: timers that went on counting would pass for live ones.
  const now = down ? snap.nowMs : Date.now() + offset;
  document.getElementById("clock").textContent = new Date(down ? Date.now() + offset : now).toLocaleString();
  table("tickets", ["ticket", "elevator", "where", "rescue code", "routing", "maintenance", "state", "timer", "history", ""],
    snap.tickets.map((t) => {
      const label = t.state === "open" && t.escalation > 0 ? "escalated " + t.escalation : t.state;
      const cls = t.state === "open" && t.escalation > 0 ? "escalated" : t.state;
      return h("tr", { "data-ticket-id": t.id, "data-state": t.state, "data-escalation": t.escalation },
        h("td", {}, t.id.slice(-8)), h("td", {}, t.gatewayId + " / " + t.elevatorId, h("div", { class: "muted" }, t.registrationCode)),
        h("td", {}, [t.name, t.address].filter(Boolean).join(", ") || "—", h("div", {}, "floor " + (t.floor ?? "?"))),
        h("td", {}, t.rescueCode), h("td", {}, t.hotline), h("td", {}, t.maintenanceCompany || "—"),
        h("td", {}, h("span", { class: "pill " + cls, "data-role": "ticket-state" }, label)),
        h("td", down ? { "data-role": "ticket-timer", "data-stale": "true", class: "stale", title: "as of " + hhmm(snap.nowMs, true) } : { "data-role": "ticket-timer" },
          ticketTimer(t, now) + (down ? " (stale, as of " + hhmm(snap.nowMs, true) + ")" : "")),
        h("td", { class: "muted" }, t.transitions.map((x) => h("div", { "data-role": "transition" }, time(x.atMs) + " " + x.kind + (x.kind === "escalated" ? " " + x.escalation : "") + " by " + x.who,
          x.note ? h("div", { class: "note", "data-role": "note" }, x.note) : ""))),
        h("td", {}, t.state === "open" ? h("button", { onclick: () => command(t.id, "acknowledge") }, "Acknowledge") : "",
          t.state !== "resolved" ? h("button", { onclick: () => command(t.id, "close") }, "Close") : ""));
    }), "no rescue tickets");
  table("faults", ["elevator", "fault", "severity", "floor", "raised"],
    snap.faults.map((f) => h("tr", { "data-fault": f.type }, h("td", {}, f.gatewayId + " / " + f.elevatorId), h("td", {}, f.type), h("td", { class: f.severity }, f.severity), h("td", {}, f.floor ?? "?"), h("td", {}, time(f.raisedAtMs)))),
    "no open faults");
  table("elevators", ["elevator", "registration", "where", "gateway", "floor", "door", "car", "faults", "telemetry"],
    snap.elevators.map((e) => h("tr", { "data-elevator": e.gatewayId + "/" + e.elevatorId },
      h("td", {}, e.gatewayId + " / " + e.elevatorId), h("td", {}, e.registrationCode), h("td", {}, [e.name, e.address].filter(Boolean).join(", ") || "—"),
      h("td", {}, h("span", { class: "pill " + e.gateway }, e.gateway)), h("td", {}, e.floor ?? "?"), h("td", {}, e.door ?? "?"), h("td", {}, e.carStatus ?? "?"),
      h("td", { class: e.activeFaults.length ? "critical" : "" }, e.activeFaults.join(", ") || "—"), h("td", { class: "muted" }, time(e.telemetryAtMs)))),
    "no elevator heard yet");
  table("gateways", ["gateway", "state", "last heard", "version"],
    snap.gateways.map((g) => h("tr", { "data-gateway": g.gatewayId, "data-liveness": g.liveness }, h("td", {}, g.gatewayId), h("td", {}, h("span", { class: "pill " + g.liveness }, g.liveness)), h("td", {}, time(g.lastSeenMs)), h("td", {}, g.version || "—"))),
    "no gateway heard yet");
  table("dead", ["received", "topic", "reason", "bytes"],
    snap.deadLetters.map((d) => h("tr", {}, h("td", {}, time(d.receivedMs)), h("td", {}, d.topic), h("td", {}, d.reason), h("td", {}, d.bytes))), "none");
}
function connect() {
  const conn = document.getElementById("conn");
  const es = new EventSource("/api/stream");
  // "live" only once a snapshot arrives: an open stream alone says nothing about the database.
  es.addEventListener("error", () => { conn.textContent = "reconnecting…"; conn.className = "down"; });
  es.addEventListener("snapshot", (ev) => {
    snap = JSON.parse(ev.data); down = null; offset = snap.nowMs - Date.now(); document.body.dataset.snapshotAt = snap.nowMs;
    conn.textContent = "live"; conn.className = "live"; draw();
  });
  es.addEventListener("unavailable", (ev) => {
    down = JSON.parse(ev.data); offset = down.nowMs - Date.now();
    conn.textContent = "database unreachable"; conn.className = "down"; draw();
  });
}
connect();
setInterval(draw, 1000);
</script>
</body>
</html>
`;
