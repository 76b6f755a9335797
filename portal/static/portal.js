/* The portal's only script: confirmation prompts and the publishing progress poll.
   Pages work without it (forms submit, the task page has a refresh link). */
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  var task = document.querySelector("[data-task-url]");
  if (!task) { return; }
  var bar = task.querySelector("progress");
  var label = task.querySelector(".task-label");
  var percent = task.querySelector(".task-percent");
  var message = task.querySelector(".task-message");
  function poll() {
    fetch(task.getAttribute("data-task-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        bar.value = s.progress; percent.textContent = s.progress + "%";
        label.textContent = s.label; message.textContent = s.message;
        label.className = "task-label badge " + (s.status === "done" ? "badge-done" : (s.status === "failed" ? "badge-overdue" : "badge-pending"));
        if (s.status === "queued" || s.status === "running") { window.setTimeout(poll, 800); }
        else if (task.hasAttribute("data-task-reload")) { window.location.reload(); }  // the draft page shows the result
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  var status = task.getAttribute("data-task-status");
  if (status === "queued" || status === "running") { poll(); }
})();
