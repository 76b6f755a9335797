// Reading that is real: enable the sign button once the text's end has been seen and the minimum
// reading time has passed.  The server checks both again (its own clock); this only guides the reader.
// The end is noticed however it is reached — touch, mouse, keyboard (PageDown, End, Tab) — and the
// status line is announced to screen readers (aria-live).
(function () {
  "use strict";
  var status = document.querySelector("[data-reading-gate]");
  var end = document.getElementById("reading-end");
  if (!status || !end) { return; }
  var form = status.closest("form");
  var button = form.querySelector("button[type=submit]");
  var flag = document.getElementById("read_to_end");
  var left = parseInt(status.getAttribute("data-remaining"), 10) || 0;
  var seen = false;
  var lastText = "";

  function say(text) {
    if (text !== lastText) { status.textContent = text; lastText = text; }
  }

  function update() {
    if (seen && left <= 0) {
      flag.value = "1";
      if (status.hasAttribute("data-quiz-pending")) { say("已读完。请先完成测验，然后才能签署。"); return true; }
      button.disabled = false;
      button.removeAttribute("aria-disabled");
      say("已读完，可以签署。");
      return true;
    }
    var parts = [];
    if (!seen) { parts.push("请读到正文末尾"); }
    if (left > 0) { parts.push("还需阅读 " + left + " 秒"); }
    say(parts.join("，") + "，然后才能签署。");
    return false;
  }

  function reached() {
    if (!seen) { seen = true; update(); }
  }

  if ("IntersectionObserver" in window) {
    new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) { if (entry.isIntersecting) { reached(); } });
    }).observe(end);
  } else {
    window.addEventListener("scroll", function () {
      if (end.getBoundingClientRect().top <= window.innerHeight) { reached(); }
    });
  }
  // Moving into the sign form with the keyboard passes the end of the text.
  form.addEventListener("focusin", function () {
    if (end.getBoundingClientRect().top <= window.innerHeight) { reached(); }
  });

  update();
  var timer = window.setInterval(function () {
    left = Math.max(0, left - 1);
    // Rewrite the status only every 10 seconds and at the end, so a screen reader is not flooded.
    if ((left === 0 || left % 10 === 0) && update()) { window.clearInterval(timer); }
  }, 1000);
})();
