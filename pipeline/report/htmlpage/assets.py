"""The page's only style sheet and script, inlined; the content security policy allows exactly
these two (by hash), so markup that slipped through escaping still could not run."""

from __future__ import annotations

import base64
import hashlib
from typing import Final

__all__ = ["CSS", "CSP", "SCRIPT"]

CSS: Final = """
:root{--bg:#fff;--fg:#1d1f23;--mute:#5f6670;--line:#d9dde3;--panel:#f6f7f9;--pass:#1f7a3a;--fail:#c62828;
--unknown:#b26a00;--error:#8e24aa;--skipped:#8a9099;--add:#e6f4ea;--del:#fdecea;--hunk:#eef2fb;--flag:#fff3c4}
@media (prefers-color-scheme:dark){:root{--bg:#15171a;--fg:#e4e6ea;--mute:#9aa1ab;--line:#333840;--panel:#1d2025;
--add:#16301f;--del:#3a1c1c;--hunk:#1c2536;--flag:#3d3413}}
*{box-sizing:border-box}
body{margin:0;padding:1.5rem 2rem;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg)}
h1{font-size:1.4rem;margin:0 0 .8rem}h2{font-size:1.1rem;margin:1.6rem 0 .6rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
h4{margin:1rem 0 .4rem;font-size:.95rem}
code,pre,.cid,.ln,.src{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:12.5px}
pre{margin:.3rem 0;padding:.5rem .7rem;background:var(--panel);border:1px solid var(--line);border-radius:4px;overflow:auto;max-height:28rem;white-space:pre-wrap;word-break:break-word}
a{color:#2f6fd0}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1.2rem;margin:0}
.facts dt{color:var(--mute)}.facts dd{margin:0;word-break:break-all}
.stops{display:flex;flex-wrap:wrap;gap:.4rem;padding:0;margin:0;list-style:none}
.stops li{background:var(--panel);border:1px solid var(--line);border-radius:3px;padding:0 .5rem}
.badge{display:inline-block;padding:0 .45rem;border-radius:3px;color:#fff;font-size:12px;font-weight:600}
.v-admitted,.badge.o-pass{background:var(--pass)}.v-rejected,.badge.o-fail{background:var(--fail)}
.badge.o-unknown{background:var(--unknown)}.badge.o-error{background:var(--error)}.badge.o-skipped{background:var(--skipped)}
#filters{display:flex;flex-wrap:wrap;gap:.6rem 1.2rem;align-items:center;padding:.6rem .8rem;background:var(--panel);border:1px solid var(--line);border-radius:4px;position:sticky;top:0;z-index:2}
#filters fieldset{border:0;margin:0;padding:0;display:flex;gap:.6rem}#filters legend{float:left;margin-right:.4rem;color:var(--mute)}
#shown{color:var(--mute);margin-left:auto}
details.cand{border:1px solid var(--line);border-radius:4px;margin:.4rem 0}
details.cand>summary{cursor:pointer;padding:.4rem .6rem;display:flex;gap:.7rem;align-items:baseline;flex-wrap:wrap}
details.cand[open]>summary{background:var(--panel);border-bottom:1px solid var(--line)}
.cand:target,.target{outline:2px solid #2f6fd0}
.cid{font-weight:600}.stop{color:var(--fail)}.spd{color:var(--pass);font-weight:600}.prop,.secs{color:var(--mute)}
.csum{color:var(--mute);overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:60ch}
.cbody{padding:.4rem .9rem 1rem}.meta{color:var(--mute);margin:.2rem 0}.verdict{font-weight:600;margin:.2rem 0 .6rem}
details.gate{border-left:4px solid var(--skipped);margin:.35rem 0;padding:.15rem .6rem;background:var(--bg)}
details.gate>summary{cursor:pointer}
details.gate.o-pass{border-color:var(--pass)}details.gate.o-fail{border-color:var(--fail)}
details.gate.o-unknown{border-color:var(--unknown)}details.gate.o-error{border-color:var(--error)}
.gname{font-weight:600;display:inline-block;min-width:7.5rem}.gdetail{color:var(--mute)}.gsum{margin-left:.4rem}
ul.evidence{margin:.3rem 0;padding-left:1.2rem}.ev{margin:.45rem 0}.msg{font-weight:500}
.where{color:var(--mute);font-size:12.5px}.rule{font-family:ui-monospace,monospace;margin-left:.3rem}
dl.cex{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:.35rem 0;padding:.45rem .7rem;background:var(--flag);border-radius:4px}
dl.cex dt{font-weight:600}dl.cex dd{margin:0;white-space:pre-wrap;word-break:break-word}
.repro p{margin:.3rem 0}
.diffwrap{overflow:auto;max-height:40rem;border:1px solid var(--line);border-radius:4px}
table.diff{border-collapse:collapse;width:100%}
table.diff td{padding:0 .4rem;vertical-align:top;white-space:pre-wrap;word-break:break-all}
table.diff td.ln{color:var(--mute);text-align:right;user-select:none;width:1%;white-space:nowrap}
table.diff td.mark{width:1%;color:var(--fail);user-select:none}
tr.l-added{background:var(--add)}tr.l-removed{background:var(--del)}tr.l-hunk{background:var(--hunk);color:var(--mute)}
tr.l-header td.src{font-weight:600}tr.flag td.src{box-shadow:inset 3px 0 var(--fail)}tr.flag{background:var(--flag)}
tr:target{outline:2px solid #2f6fd0}
.sign{color:var(--mute);user-select:none}
.tk-kw{color:#a626a4;font-weight:600}.tk-string{color:#50a14f}.tk-comment{color:#8a8f98;font-style:italic}
.tk-number{color:#986801}.tk-def{color:#4078f2;font-weight:600}.tk-const{color:#c18401}
svg text{font:11px system-ui,sans-serif;fill:var(--fg)}svg .tick,svg .val{fill:var(--mute)}
svg .axis{stroke:var(--line)}svg .one{stroke:var(--mute);stroke-dasharray:3 3}svg .noise{fill:var(--panel);stroke:var(--line)}
svg g.o-pass rect{fill:var(--pass)}svg g.o-fail rect{fill:var(--fail)}svg g.o-unknown rect{fill:var(--unknown)}
svg g.o-error rect{fill:var(--error)}svg g.o-skipped rect{fill:var(--skipped)}
svg .ci{stroke-width:2}svg g.v-faster .ci{stroke:var(--pass)}svg g.v-faster circle{fill:var(--pass)}
svg g.v-slower .ci{stroke:var(--fail)}svg g.v-slower circle{fill:var(--fail)}
svg g.v-no-difference .ci{stroke:var(--mute)}svg g.v-no-difference circle{fill:var(--mute)}
table.list{border-collapse:collapse}table.list td,table.list th{padding:.15rem .8rem .15rem 0;text-align:left}
ul.tree,ul.tree ul{list-style:none;padding-left:1.2rem;margin:0}ul.tree li{position:relative}
ul.tree ul li::before{content:"└ ";color:var(--mute);position:absolute;left:-1rem}
.none{color:var(--mute);font-style:italic}
"""

SCRIPT: Final = """
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var cands = Array.prototype.slice.call(document.querySelectorAll("details.cand"));
  function apply() {
    var outcome = form.querySelector("input[name=outcome]:checked").value;
    var gate = form.elements.gate.value, query = form.elements.q.value.trim().toLowerCase(), shown = 0;
    cands.forEach(function (c) {
      var ok = (outcome === "all" || c.dataset.outcome === outcome) &&
        (!gate || c.dataset.gates.split(" ").indexOf(gate) >= 0) &&
        (!query || c.dataset.text.indexOf(query) >= 0);
      c.hidden = !ok;
      if (ok) { shown += 1; }
    });
    document.getElementById("shown").textContent = shown + " of " + cands.length + " shown";
  }
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1)), el = id && document.getElementById(id);
    if (!el) { return; }
    for (var p = el; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") { p.open = true; }
      if (p.hidden) { p.hidden = false; }
    }
    el.scrollIntoView({block: "center"});
  }
  function openAll(state) {
    cands.forEach(function (c) { if (!c.hidden) { c.open = state; } });
  }
  form.addEventListener("change", apply);
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  document.getElementById("expand").addEventListener("click", function () { openAll(true); });
  document.getElementById("collapse").addEventListener("click", function () { openAll(false); });
  window.addEventListener("hashchange", reveal);
  apply();
  reveal();
})();
"""


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


CSP: Final = (f"default-src 'none'; script-src {_hash(SCRIPT)}; style-src {_hash(CSS)}; img-src data:; "
              "base-uri 'none'; form-action 'none'")
