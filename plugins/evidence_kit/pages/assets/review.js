/* Evidence Kit: keep review cards honest after publishing, and sort the status tables.
 *
 * Every evidence card and status row carries its due date (data-review-due). A page read
 * after that date says "overdue" even if nobody rebuilt the site: the build's verdict is
 * only ever made worse here, never better. `?evidence-today=YYYY-MM-DD` sets the reader's
 * date, so the behaviour can be checked without waiting. No network, no dependencies.
 */
(function () {
  "use strict";

  var ISO = /^\d{4}-\d{2}-\d{2}$/;

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function readerToday() {
    var match = /[?&]evidence-today=(\d{4}-\d{2}-\d{2})(?:&|$)/.exec(window.location.search);
    if (match) {
      return match[1];
    }
    var now = new Date();
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  function dayNumber(iso) {
    var p = iso.split("-");
    return Date.UTC(+p[0], +p[1] - 1, +p[2]) / 86400000;
  }

  function daysText(days) {
    if (days === 0) {
      return "due today";
    }
    var n = Math.abs(days);
    return n + (n === 1 ? " day " : " days ") + (days > 0 ? "left" : "overdue");
  }

  function markBadge(badge) {
    if (!badge) {
      return;
    }
    badge.className = "evidence-badge evidence-badge--overdue";
    badge.textContent = "overdue";
  }

  function refreshCard(card, today) {
    var due = card.getAttribute("data-review-due");
    if (!ISO.test(due) || today <= due || card.getAttribute("data-review-status") === "overdue") {
      return;
    }
    card.setAttribute("data-review-status", "overdue");
    card.setAttribute("data-review-seen", today);
    markBadge(card.querySelector(".evidence-badge"));
    var banner = card.querySelector(".evidence-banner");
    if (!banner) {
      banner = document.createElement("span");
      card.insertBefore(banner, card.firstChild);
    }
    banner.className = "evidence-banner evidence-banner--overdue";
    banner.setAttribute("role", "alert");
    banner.textContent =
      "Overdue: the review of this document was due on " + due + " (today is " + today +
      "). Until it is reviewed, its content may be out of date.";
  }

  function refreshRow(marker, today) {
    var due = marker.getAttribute("data-review-due");
    var row = marker.closest("tr");
    if (!ISO.test(due) || !row) {
      return;
    }
    var days = dayNumber(due) - dayNumber(today);
    var left = row.querySelector("[data-days-left]");
    if (left) {
      left.setAttribute("data-days-left", String(days));
      left.setAttribute("data-sort", String(days));
      left.textContent = daysText(days);
    }
    if (today > due && marker.getAttribute("data-review-status") !== "overdue") {
      marker.setAttribute("data-review-status", "overdue");
      markBadge(row.querySelector(".evidence-badge"));
    }
  }

  function recount() {
    var counts = {};
    document.querySelectorAll(".evidence-row[data-review-status]").forEach(function (m) {
      var s = m.getAttribute("data-review-status");
      counts[s] = (counts[s] || 0) + 1;
    });
    document.querySelectorAll("[data-count]").forEach(function (el) {
      var s = el.getAttribute("data-count");
      var n = counts[s] || 0;
      el.setAttribute("data-count-value", String(n));
      el.textContent = n + " " + s.replace("-", " ");
    });
  }

  function sortKey(cell) {
    var keyed = cell.querySelector("[data-sort]");
    var text = keyed ? keyed.getAttribute("data-sort") : cell.textContent.trim();
    var number = Number(text);
    return text !== "" && !isNaN(number) ? number : text.toLowerCase();
  }

  function sortable(table) {
    if (table.getAttribute("data-evidence-sortable")) {
      return;
    }
    table.setAttribute("data-evidence-sortable", "true");
    var headers = table.querySelectorAll("thead th");
    headers.forEach(function (th, column) {
      th.setAttribute("role", "columnheader");
      th.setAttribute("tabindex", "0");
      th.style.cursor = "pointer";
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) {
          other.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = sortKey(a.cells[column]);
          var y = sortKey(b.cells[column]);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) {
          body.appendChild(row);
        });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sort();
        }
      });
    });
  }

  function apply() {
    var today = readerToday();
    document.querySelectorAll(".evidence-card[data-review-due]").forEach(function (card) {
      refreshCard(card, today);
    });
    var markers = document.querySelectorAll(".evidence-row[data-review-due]");
    markers.forEach(function (marker) {
      refreshRow(marker, today);
      var table = marker.closest("table");
      if (table) {
        sortable(table);
      }
    });
    if (markers.length) {
      recount();
    }
  }

  // Material's instant navigation swaps pages without reloading scripts; it announces
  // each new page on document$. Without it, the DOM is ready when this script runs.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(apply);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", apply);
  } else {
    apply();
  }
})();
