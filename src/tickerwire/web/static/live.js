// Live ribbon: applies `quote` events from /api/v1/stream to the server-rendered cells.
// The page is complete without this script; it only keeps the numbers moving.
(function () {
  "use strict";
  // Anything with data-symbol and data-field children follows the stream: ribbon cells,
  // the quote page's headline numbers, an article's instrument chips.
  if (!document.querySelector("[data-symbol]") || !window.EventSource) return;
  const arrows = { up: "▲", down: "▼", flat: "■" };
  const words = { up: "up", down: "down", flat: "unchanged" };

  function fixed(value, precision) {
    return Math.abs(value).toLocaleString("en-US", {
      minimumFractionDigits: precision, maximumFractionDigits: precision,
    });
  }
  function signed(value, precision) {
    if (value === null || value === undefined) return "—";
    const rounded = Number(value.toFixed(precision));
    if (rounded === 0) return fixed(value, precision);
    return (value > 0 ? "+" : "−") + fixed(value, precision);
  }
  function direction(value, precision) {
    if (value === null || value === undefined) return "flat";
    const rounded = Number(value.toFixed(precision));
    return rounded === 0 ? "flat" : rounded > 0 ? "up" : "down";
  }
  function set(cell, field, text) {
    const node = cell.querySelector('[data-field="' + field + '"]');
    if (node) node.textContent = text;
  }

  function apply(quote) {
    const selector = '[data-symbol="' + CSS.escape(quote.symbol) + '"]';
    document.querySelectorAll(selector).forEach(function (cell) { update(cell, quote); });
  }

  function update(cell, quote) {
    const precision = quote.precision;
    const priceNode = cell.querySelector('[data-field="price"]');
    const before = priceNode ? priceNode.textContent : "";
    const price = fixed(quote.price, precision);
    const way = direction(quote.change, precision);
    set(cell, "price", price);
    set(cell, "change", signed(quote.change, precision));
    set(cell, "percent", quote.change_percent === null ? "—" : "(" + signed(quote.change_percent, 2) + "%)");
    set(cell, "arrow", arrows[way]);
    set(cell, "direction-label", words[way]);
    const time = cell.querySelector('[data-field="time"]');
    if (time) {
      time.setAttribute("datetime", quote.as_of);
      time.textContent = new Date(quote.as_of).toLocaleTimeString([], { hour: "numeric", minute: "2-digit", timeZoneName: "short" });
    }
    cell.classList.remove("up", "down", "flat", "stale");
    cell.classList.add(way);
    const old = parseFloat(before.replace(/[^0-9.]/g, ""));
    const now = Number(quote.price.toFixed(precision));
    if (!isNaN(old) && old !== now) {
      const flash = old < now ? "flash-up" : "flash-down";
      cell.classList.add(flash);
      setTimeout(function () { cell.classList.remove(flash); }, 700);
    }
  }

  const source = new EventSource("/api/v1/stream");
  source.addEventListener("quote", function (message) {
    try { apply(JSON.parse(message.data).data); } catch (error) { /* ignore a bad event */ }
  });
})();
