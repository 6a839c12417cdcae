// Follows the translation jobs shown on a desk page until they finish. Without JavaScript the
// page shows each job as it was when loaded, and reloading it shows the news.
// Panels marked data-fold (the list's filters) stay open on a wide screen and fold away on a
// phone, unless a filter is in use (the server opens them then).
(function () {
  "use strict";
  if (window.matchMedia && window.matchMedia("(min-width: 48rem)").matches) {
    document.querySelectorAll("details[data-fold]").forEach(function (panel) {
      panel.open = true;
    });
  }
  // "Select all" on the article list (hidden without JavaScript, where it could not work).
  var all = document.querySelector("[data-select-all]");
  if (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      document.querySelectorAll("input[name='ids'][form='bulk']").forEach(function (box) {
        box.checked = all.checked;
      });
    });
  }
})();

(function () {
  "use strict";
  var url = document.body.dataset.jobsUrl;
  var delay = 1000;

  function pending() {
    return document.querySelectorAll('[data-job][data-finished="false"]');
  }

  function show(job) {
    document.querySelectorAll('[data-job="' + job.id + '"]').forEach(function (node) {
      node.dataset.status = job.status;
      node.dataset.finished = job.finished ? "true" : "false";
      node.querySelector("progress").value = job.percent;
      node.querySelector(".job-label").textContent = job.status_label;
      var error = node.querySelector(".job-error");
      error.textContent = job.error || "";
      error.hidden = !job.error;
    });
  }

  function poll() {
    var nodes = pending();
    if (!nodes.length) {
      document.querySelectorAll(".jobs-finished").forEach(function (note) {
        note.hidden = false;
      });
      return;
    }
    var params = new URLSearchParams();
    nodes.forEach(function (node) {
      params.append("id", node.dataset.job);
    });
    fetch(url + "?" + params, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : { jobs: [] };
      })
      .then(function (body) {
        var seen = {};
        body.jobs.forEach(function (job) {
          seen[job.id] = true;
          show(job);
        });
        nodes.forEach(function (node) {
          // A job that is gone (its article was deleted) will never finish: stop asking.
          if (body.jobs.length && !seen[node.dataset.job]) node.dataset.finished = "true";
        });
      })
      .catch(function () {
        // Offline for a moment: try again at the next tick.
      })
      .then(function () {
        window.setTimeout(poll, delay);
      });
  }

  if (url && pending().length) {
    window.setTimeout(poll, delay);
  }
})();

// Follows the background operations shown on the glossary page (marking stale translations)
// until they finish; without JavaScript, reloading the page shows how far they got.
(function () {
  "use strict";
  var panel = document.querySelector("[data-operations-url]");
  var delay = 1000;
  if (!panel) return;
  var url = panel.dataset.operationsUrl;

  function pending() {
    return panel.querySelectorAll('[data-operation][data-finished="false"]');
  }

  function show(operation) {
    panel.querySelectorAll('[data-operation="' + operation.id + '"]').forEach(function (node) {
      node.dataset.status = operation.status;
      node.dataset.finished = operation.finished ? "true" : "false";
      node.querySelector("progress").value = operation.percent;
      node.querySelector(".operation-label").textContent = operation.label;
      var error = node.querySelector(".operation-error");
      error.textContent = operation.error || "";
      error.hidden = !operation.error;
      node.querySelector(".operation-refresh").hidden = !operation.stale;
    });
  }

  function poll() {
    var nodes = pending();
    if (!nodes.length) return;
    var params = new URLSearchParams();
    nodes.forEach(function (node) {
      params.append("id", node.dataset.operation);
    });
    fetch(url + "?" + params, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : { operations: [] };
      })
      .then(function (body) {
        body.operations.forEach(show);
      })
      .catch(function () {
        // Offline for a moment: try again at the next tick.
      })
      .then(function () {
        window.setTimeout(poll, delay);
      });
  }

  if (pending().length) window.setTimeout(poll, delay);
})();
