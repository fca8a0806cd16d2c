/* crmgen filters for the board and the follow-up report.
   A classic script with no network access: it works from file://. Every card is
   already in the page; this only hides the ones that do not match, recounts the
   totals of what is shown, and keeps the filters in the URL's #fragment so a
   filtered view can be bookmarked. */
(function () {
  "use strict";

  var form = document.getElementById("filters");
  var dataNode = document.getElementById("site-data");
  if (!form || !dataNode) { return; }
  var data = JSON.parse(dataNode.textContent);
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-item]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-group]"));
  var chips = document.getElementById("filter-chips");
  var controls = { q: form.elements.q, owner: form.elements.owner, tag: form.elements.tag };
  var labels = { q: "Search", owner: "Owner", tag: "Tag" };
  var keys = ["q", "owner", "tag"].filter(function (key) { return controls[key]; });

  form.hidden = false;
  items.forEach(function (item) {
    item.crmTags = JSON.parse(item.getAttribute("data-tags") || "[]");
  });

  /* Money exactly as the server writes it: €54,000 or £1,250.50. */
  function money(value, currency) {
    var whole = Math.round(value) === value;
    var text = value.toLocaleString("en-US", {
      minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: whole ? 0 : 2
    });
    var symbol = data.symbols[currency];
    return symbol ? symbol + text : currency + " " + text;
  }

  function amounts(shown, field) {
    var sums = {};
    shown.forEach(function (item) {
      var raw = item.getAttribute("data-" + field);
      if (raw === null || raw === "") { return; }
      var code = item.getAttribute("data-currency");
      sums[code] = (sums[code] || 0) + parseFloat(raw);
    });
    // Zero in the team's currency only when no deal shown has a value.
    if (Object.keys(sums).length === 0) { sums[data.currency] = 0; }
    var codes = Object.keys(sums).sort(function (a, b) {
      if (a === data.currency) { return -1; }
      if (b === data.currency) { return 1; }
      return a < b ? -1 : a > b ? 1 : 0;
    });
    return codes.map(function (code) {
      return money(Math.round(sums[code] * 100) / 100, code);
    }).join(" + ");
  }

  function readState() {
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    var state = {};
    keys.forEach(function (key) { state[key] = params.get(key) || ""; });
    return state;
  }

  function currentState() {
    var state = {};
    keys.forEach(function (key) { state[key] = controls[key].value.trim(); });
    return state;
  }

  function writeState(state) {
    var params = new URLSearchParams();
    keys.forEach(function (key) { if (state[key]) { params.set(key, state[key]); } });
    var hash = params.toString();
    var url = window.location.href.split("#")[0] + (hash ? "#" + hash : "");
    if (url === window.location.href) { return; }
    try {
      window.history.replaceState(null, "", url);
    } catch (error) {
      window.location.replace(hash ? "#" + hash : "#");
    }
  }

  function matches(item, state) {
    if (state.owner && item.getAttribute("data-owner") !== state.owner) { return false; }
    if (state.tag && item.crmTags.indexOf(state.tag) < 0) { return false; }
    if (state.q) {
      var text = item.getAttribute("data-search") || "";
      var words = state.q.toLowerCase().split(/\s+/);
      for (var i = 0; i < words.length; i += 1) {
        if (words[i] && text.indexOf(words[i]) < 0) { return false; }
      }
    }
    return true;
  }

  function setText(root, selector, text) {
    var node = root.querySelector(selector);
    if (node && node.textContent !== text) { node.textContent = text; }
  }

  function clientsWhere(shown, attribute, value) {
    var seen = {};
    shown.forEach(function (item) {
      var found = item.getAttribute(attribute);
      if (found !== null && (value === undefined || found === value)) {
        seen[item.getAttribute("data-client")] = true;
      }
    });
    return String(Object.keys(seen).length);
  }

  function recount(group) {
    var members = group.getAttribute("data-scope") === "open"
      ? items.filter(function (item) { return item.hasAttribute("data-open"); })
      : Array.prototype.slice.call(group.querySelectorAll("[data-item]"));
    var shown = members.filter(function (item) { return !item.hidden; });
    setText(group, '[data-show="count"]', String(shown.length));
    setText(group, '[data-show="total"]', amounts(shown, "value"));
    setText(group, '[data-show="weighted"]', amounts(shown, "weighted"));
    setText(group, '[data-show="overdue"]', clientsWhere(shown, "data-follow-up", "overdue"));
    setText(group, '[data-show="stale"]', clientsWhere(shown, "data-stale"));
    var empty = group.querySelector(".empty");
    if (empty && members.length) { empty.hidden = shown.length > 0; }
    var jump = document.querySelector('[data-jump="' + group.getAttribute("data-section") + '"]');
    if (jump) { jump.textContent = String(shown.length); }
  }

  function chip(text, onClick, extraClass) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "chip" + (extraClass ? " " + extraClass : "");
    button.appendChild(document.createTextNode(text));
    if (!extraClass) {
      var cross = document.createElement("span");
      cross.setAttribute("aria-hidden", "true");
      cross.textContent = "×";
      button.appendChild(cross);
      button.setAttribute("aria-label", "Remove filter " + text);
    }
    button.addEventListener("click", onClick);
    return button;
  }

  var chipsShown = null;

  var allClients = clientsWhere(items, "data-client");

  function showChips(state, shownCount) {
    /* Rebuild only on a change: a "change" event fired by leaving the search box
       must not replace the chip that the same click is about to press. */
    var key = JSON.stringify([state, shownCount]);
    if (key === chipsShown) { return; }
    chipsShown = key;
    while (chips.firstChild) { chips.removeChild(chips.firstChild); }
    var active = keys.filter(function (key) { return state[key]; });
    chips.hidden = active.length === 0;
    if (!active.length) { return; }
    active.forEach(function (key) {
      chips.appendChild(chip(labels[key] + ": " + state[key], function () {
        controls[key].value = "";
        update();
      }));
    });
    if (active.length > 1) {
      chips.appendChild(chip("Clear all", function () {
        keys.forEach(function (key) { controls[key].value = ""; });
        update();
      }, "chip-clear"));
    }
    var count = document.createElement("span");
    count.className = "match-count";
    /* Clients, not cards or rows: a client with two deals, or overdue and
       stale at once, is listed twice but counted once. */
    count.textContent = shownCount + " of " + allClients + " clients shown";
    chips.appendChild(count);
  }

  function apply(state) {
    form.hidden = false;
    items.forEach(function (item) { item.hidden = !matches(item, state); });
    groups.forEach(recount);
    var shown = items.filter(function (item) { return !item.hidden; });
    showChips(state, clientsWhere(shown, "data-client"));
    /* With a filter on, folded cards that match must be seen: unfold them. */
    var filtering = keys.some(function (key) { return state[key]; });
    Array.prototype.forEach.call(document.querySelectorAll("[data-more]"), function (more) {
      if (filtering && !more.open) { more.open = true; more.setAttribute("data-unfolded", ""); }
      if (!filtering && more.hasAttribute("data-unfolded")) {
        more.open = false;
        more.removeAttribute("data-unfolded");
      }
    });
  }

  function update() {
    var state = currentState();
    writeState(state);
    apply(state);
  }

  function restore() {
    var state = readState();
    keys.forEach(function (key) {
      var control = controls[key];
      control.value = state[key];
      if (control.tagName === "SELECT" && control.value !== state[key]) {
        /* A bookmarked owner or tag no longer in the data: keep it visible. */
        var option = document.createElement("option");
        option.value = option.textContent = state[key];
        control.appendChild(option);
        control.value = state[key];
      }
    });
    apply(state);
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  window.addEventListener("hashchange", restore);
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "SELECT" ||
                            target.tagName === "TEXTAREA" || target.isContentEditable);
    if (event.key === "/" && !typing && controls.q && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      controls.q.focus();
      controls.q.select();
    } else if (event.key === "Escape" && target === controls.q && controls.q.value) {
      controls.q.value = "";
      update();
    }
  });
  restore();
}());
