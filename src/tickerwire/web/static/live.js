// Live ribbon: puts the texts of /api/v1/stream events into the server-rendered page.
// The page is complete without this script. The server words every number and time
// (web/parts.py, in the portal's zone), so nothing here formats: a tick reads exactly
// like the cell it replaces.
(function () {
  "use strict";
  const banner = document.getElementById("market-banner");
  if (!window.EventSource || !(banner || document.querySelector("[data-symbol]"))) return;
  // A past view (?at=) shows a moment that is over: nothing live belongs on it. Elsewhere
  // a block marked data-past (an article's markets when it was published) stays as drawn.
  if (document.querySelector("[data-past-view]")) return;
  // Anything with data-symbol and data-field children follows the quotes: ribbon cells,
  // the quote page's headline numbers, an article's instrument chips.
  const directions = ["up", "down", "flat"];

  function setText(root, field, text) {
    root.querySelectorAll('[data-field="' + field + '"]').forEach(function (node) {
      node.textContent = text;
    });
  }

  function swapClass(node, names, name) {
    names.forEach(function (old) { node.classList.remove(old); });
    if (name) node.classList.add(name);
  }

  // A cell flashes when the price it shows changes; the raw prices say which way.
  function flash(node, before, after) {
    if (before === null || before === after) return;
    const name = after > before ? "flash-up" : "flash-down";
    node.classList.add(name);
    setTimeout(function () { node.classList.remove(name); }, 700);
  }

  function applyQuote(raw, shown) {
    const selector = '[data-symbol="' + CSS.escape(shown.symbol) + '"]';
    document.querySelectorAll(selector).forEach(function (node) {
      if (node.closest("[data-past]")) return;
      const priceNode = node.querySelector('[data-field="price"]');
      const moved = priceNode !== null && priceNode.textContent !== shown.price_text;
      const before = node.dataset.price ? Number(node.dataset.price) : null;
      node.dataset.price = String(raw.price);
      setText(node, "price", shown.price_text);
      setText(node, "change", shown.change_text);
      setText(node, "percent", shown.percent_text);
      setText(node, "arrow", shown.arrow);
      setText(node, "direction-label", shown.spoken_direction);
      if (raw.provider) setText(node, "provider", raw.provider);
      node.querySelectorAll('[data-field="time"]').forEach(function (time) {
        if (shown.as_of) time.setAttribute("datetime", shown.as_of);
        time.textContent = shown.as_of_text;
      });
      swapClass(node, directions, shown.direction);
      node.classList.toggle("stale", shown.stale);
      if (!shown.stale) {
        node.querySelectorAll(".badge.stale").forEach(function (badge) { badge.remove(); });
      }
      if (moved) flash(node, before, raw.price);
    });
  }

  function stateClasses(node) {
    return Array.from(node.classList).filter(function (name) { return name.startsWith("state-"); });
  }

  function applyMarket(status) {
    if (banner) {
      banner.textContent = status.banner.text;
      swapClass(banner, stateClasses(banner), "state-" + status.banner.state);
    }
    Object.keys(status.markets).forEach(function (name) {
      const market = status.markets[name];
      const selector = '[data-calendar="' + CSS.escape(name) + '"]';
      document.querySelectorAll(selector).forEach(function (node) {
        if (node.closest("[data-past]")) return;
        if (node.dataset.field === "market-label") {
          node.textContent = market.label;
          return;
        }
        node.textContent = market.state;
        node.title = market.label;
        swapClass(node, stateClasses(node), "state-" + market.state);
      });
    });
  }

  function listen(topic, apply) {
    source.addEventListener(topic, function (message) {
      let event;
      try { event = JSON.parse(message.data); } catch (error) { return; /* a bad event */ }
      apply(event);
    });
  }

  const source = new EventSource("/api/v1/stream");
  listen("quote", function (event) { applyQuote(event.data, event.shown); });
  listen("market", function (event) { applyMarket(event.data); });
})();
