/* The portal's only script: confirmation prompts and the publishing progress poll.
   Pages work without it (forms submit, the job page has a refresh link). */
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  var job = document.querySelector("[data-job-url]");
  if (!job) { return; }
  var bar = job.querySelector("progress");
  var label = job.querySelector(".job-label");
  var percent = job.querySelector(".job-percent");
  var message = job.querySelector(".job-message");
  function poll() {
    fetch(job.getAttribute("data-job-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        bar.value = s.progress; percent.textContent = s.progress + "%";
        label.textContent = s.label; message.textContent = s.message;
        label.className = "job-label badge " + (s.status === "done" ? "badge-done" : (s.status === "failed" ? "badge-overdue" : "badge-pending"));
        if (s.status === "queued" || s.status === "running") { window.setTimeout(poll, 800); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  var status = job.getAttribute("data-job-status");
  if (status === "queued" || status === "running") { poll(); }
})();
