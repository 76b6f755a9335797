/* The forms desk: rows added and removed, computed fields previewed, and the form checked before it is
   sent, with the same Chinese messages as the server.  The server checks everything again; without this
   script the form still works (it just shows the messages after submitting). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-formsdesk]");
  if (!form) { return; }

  var DIGITS = "零壹贰叁肆伍陆柒捌玖";
  var UNITS = ["仟", "佰", "拾", ""];

  // --- amounts in Chinese capitals (a preview; forms/amounts.py is the reference) -------------------
  function groupWords(value) {
    var out = "", pendingZero = false;
    for (var p = 0; p < 4; p++) {
      var digit = Math.floor(value / Math.pow(10, 3 - p)) % 10;
      if (digit === 0) { pendingZero = out !== ""; continue; }
      if (pendingZero) { out += "零"; pendingZero = false; }
      out += DIGITS[digit] + UNITS[p];
    }
    return out;
  }
  function integerWords(n) {
    var groups = [[Math.floor(n / 1e8), "亿"], [Math.floor(n / 1e4) % 1e4, "万"], [n % 1e4, ""]];
    var out = "", zeroBetween = false;
    groups.forEach(function (g) {
      if (g[0] === 0) { zeroBetween = out !== ""; return; }
      if (out && (zeroBetween || g[0] < 1000)) { out += "零"; }
      out += groupWords(g[0]) + g[1];
      zeroBetween = false;
    });
    return out;
  }
  function amountInWords(cents) {
    if (cents === 0) { return "零元整"; }
    var yuan = Math.floor(cents / 100), jiao = Math.floor(cents / 10) % 10, fen = cents % 10;
    var words = yuan ? integerWords(yuan) + "元" : "";
    if (!jiao && !fen) { return words + "整"; }
    if (!fen) { return words + DIGITS[jiao] + "角整"; }
    if (!jiao) { return words + (yuan ? "零" : "") + DIGITS[fen] + "分"; }
    return words + DIGITS[jiao] + "角" + DIGITS[fen] + "分";
  }

  // --- reading values ------------------------------------------------------------------------------
  function named(name) { return form.querySelector("[name='" + name + "']"); }
  function numberOf(el) {
    if (!el) { return null; }
    var text = el.value.replace(/[,\s]/g, "").replace(/%$/, "");
    if (el.dataset.unit) { text = text.replace(new RegExp(el.dataset.unit.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&") + "$"), ""); }
    return /^[+-]?\d+(\.\d+)?$/.test(text) ? Number(text) : null;
  }
  function plain(n) { return String(Math.round(n * 100) / 100); }
  function money(n) { return n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }); }
  function rowOf(el) { return el.closest("tr[data-row]"); }
  function inRow(row, column) { return row ? row.querySelector("[name$='-" + column + "']") : null; }

  // --- computed fields -------------------------------------------------------------------------------
  function computeAll() {
    form.querySelectorAll("output[data-computed]").forEach(function (out) {
      var spec = out.dataset.computed.split(":"), fn = spec[0], arg = spec[1] || "", row = rowOf(out), v = null, text = "—";
      if (fn === "area_times_price") {
        var area = numberOf(named("building_area")), price = numberOf(named("unit_price"));
        if (area !== null && price !== null) { v = Math.round(area * price * 100) / 100; text = money(v); }
      } else if (fn === "amount_in_words") {
        var source = row ? inRow(row, arg) : null, amount = source ? numberOf(source) : null;
        if (!row && arg === "total_price") {
          var a = numberOf(named("building_area")), p = numberOf(named("unit_price"));
          amount = (a !== null && p !== null) ? Math.round(a * p * 100) / 100 : null;
        }
        if (amount !== null && amount >= 0 && amount < 1e12) { text = "人民币" + amountInWords(Math.round(amount * 100)); }
      } else if (fn === "achievement_rate") {
        var target = numberOf(inRow(row, "target")), actual = numberOf(inRow(row, "actual"));
        if (target && actual !== null) { text = plain(Math.round(actual / target * 1000) / 10) + "%"; }
      } else if (fn === "sum") {
        var parts = arg.split("."), total = 0, any = false;
        form.querySelectorAll("[data-table='" + parts[0] + "'] [name$='-" + parts[1] + "']").forEach(function (el) {
          var n = numberOf(el); if (n !== null) { total += n; any = true; }
        });
        if (any) { text = money(total); }
      }
      out.textContent = text;
    });
  }

  // --- rows ------------------------------------------------------------------------------------------
  function renumber(fieldset) {
    var table = fieldset.dataset.table;
    var pattern = new RegExp("^(err-)?" + table + "-\\d+-");
    fieldset.querySelectorAll("tr[data-row]").forEach(function (tr, i) {
      tr.querySelector(".fd-index").textContent = String(i + 1);
      tr.querySelectorAll("[name], [id], [data-error-for], [data-name], [aria-describedby]").forEach(function (el) {
        ["name", "id", "data-error-for", "data-name", "aria-describedby"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value && pattern.test(value)) {
            el.setAttribute(attr, value.replace(pattern, function (m, err) { return (err || "") + table + "-" + i + "-"; }));
          }
        });
      });
    });
  }
  form.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]"), remove = event.target.closest("[data-remove-row]");
    if (add) {
      var fieldset = add.closest("fieldset[data-table]"), body = fieldset.querySelector("tbody");
      var rows = body.querySelectorAll("tr[data-row]");
      if (rows.length >= Number(fieldset.dataset.maxRows)) { showError(fieldset.dataset.table, fieldset.dataset.label + "最多" + fieldset.dataset.maxRows + "行。"); return; }
      var copy = rows[rows.length - 1].cloneNode(true);
      copy.querySelectorAll("input, textarea").forEach(function (el) { el.value = ""; el.removeAttribute("aria-invalid"); });
      copy.querySelectorAll("select").forEach(function (el) { el.selectedIndex = 0; el.removeAttribute("aria-invalid"); });
      copy.querySelectorAll(".error").forEach(function (el) { el.hidden = true; el.textContent = ""; });
      body.appendChild(copy);
      renumber(fieldset);
      computeAll();
      var first = copy.querySelector("input, select, textarea"); if (first) { first.focus(); }
    }
    if (remove) {
      var set = remove.closest("fieldset[data-table]"), tr = rowOf(remove);
      if (set.querySelectorAll("tr[data-row]").length > 1) { tr.remove(); } else {
        tr.querySelectorAll("input, textarea").forEach(function (el) { el.value = ""; });
        tr.querySelectorAll("select").forEach(function (el) { el.selectedIndex = 0; });
      }
      renumber(set);
      computeAll();
    }
    var confirmer = event.target.closest("[data-confirm-click]");
    if (confirmer && !window.confirm(confirmer.dataset.confirmClick)) { event.preventDefault(); }
  });

  // --- checking -------------------------------------------------------------------------------------
  function errorBox(name) { return form.querySelector("[data-error-for='" + name + "']"); }
  function showError(name, message) {
    var box = errorBox(name), input = named(name);
    if (box) { box.textContent = message; box.hidden = false; }
    if (input) { input.setAttribute("aria-invalid", "true"); }
  }
  function clearError(name) {
    var box = errorBox(name), input = named(name);
    if (box) { box.textContent = ""; box.hidden = true; }
    if (input) { input.removeAttribute("aria-invalid"); }
  }
  function blankRow(tr) {
    return Array.prototype.every.call(tr.querySelectorAll("input, select, textarea"), function (el) { return el.value.trim() === ""; });
  }
  function labelOf(name) {
    var el = named(name); return el ? el.dataset.label : name;
  }
  function checkOne(el) {
    var v = el.value.trim(), d = el.dataset;
    if (!v) { return d.required ? "请填写" + d.label + "。" : ""; }
    var max = Number(el.getAttribute("maxlength"));
    if (max && el.value.length > max) { return "最多" + max + "个字，现为" + el.value.length + "个字。"; }
    if (d.number) {
      var text = v.replace(/[,\s]/g, "").replace(/%$/, "");
      if (d.unit) { text = text.split(d.unit).join(""); }
      if (!/^[+-]?\d+(\.\d+)?$/.test(text)) { return "请填写数字（可带小数点，不要写单位或科学计数法）。"; }
      var n = Number(text), min = Number(d.min), top = d.max !== undefined ? Number(d.max) : null, unit = d.unit || "";
      if (n < 0 && min >= 0) { return "不能为负数。"; }
      if (n < min) { return "不能小于" + d.min + unit + "。"; }
      if (top !== null && n > top) { return "不能大于" + d.max + unit + "，请检查是否多输了位数。"; }
      var decimals = (text.split(".")[1] || "").length;
      if (decimals > Number(d.decimals)) { return Number(d.decimals) === 0 ? "只能填写整数。" : "最多保留" + d.decimals + "位小数。"; }
      return "";
    }
    if (d.pattern) { return new RegExp("^(?:" + d.pattern + ")$").test(v) ? "" : (d.patternMessage || "格式不正确。"); }
    if (el.tagName !== "SELECT" && (el.type === "text" || el.tagName === "TEXTAREA") && /^[=+\-@]/.test(v)) {
      return "不能以 = + - @ 开头（导出到表格时会被当作公式），请删去该符号或在前面加上文字。";
    }
    if (d.after) {
      var row = rowOf(el), other = inRow(row, d.after) || named(d.after);
      if (other && other.value && v < other.value) { return d.label + "不能早于" + (other.dataset.label || d.after) + "。"; }
    }
    return "";
  }
  function check() {
    var problems = [];
    form.querySelectorAll("[data-label][name]").forEach(function (el) {
      var row = rowOf(el);
      if (row && blankRow(row)) { clearError(el.name); return; }
      var message = checkOne(el);
      if (message) { showError(el.name, message); problems.push(el); } else { clearError(el.name); }
    });
    form.querySelectorAll("fieldset[data-table]").forEach(function (fs) {
      var rows = Array.prototype.filter.call(fs.querySelectorAll("tr[data-row]"), function (tr) { return !blankRow(tr); });
      var message = "";
      if (rows.length < Number(fs.dataset.minRows)) { message = fs.dataset.label + "至少填写" + fs.dataset.minRows + "行。"; }
      if (!message && fs.dataset.sumTo && rows.length) {
        var column = fs.querySelector("tr[data-row] [data-number]");
        if (column) {
          var suffix = column.name.replace(/^.*-\d+-/, ""), total = 0;
          rows.forEach(function (tr) { var n = numberOf(inRow(tr, suffix)); if (n !== null) { total += n; } });
          if (Math.abs(total - Number(fs.dataset.sumTo)) > 1e-9) {
            message = "各行" + inRow(rows[0], suffix).dataset.label + "合计应为" + fs.dataset.sumTo + "%，现为" + plain(total) + "%。";
          }
        }
      }
      if (message) { showError(fs.dataset.table, message); problems.push(fs); } else { clearError(fs.dataset.table); }
    });
    return problems;
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.hasAttribute("data-skip-validation")) { return; }
    var problems = check(), banner = document.getElementById("client-message");
    if (problems.length) {
      event.preventDefault();
      banner.textContent = "有 " + problems.length + " 处需要修改，请查看红色提示。";
      banner.hidden = false;
      var first = problems[0].matches("fieldset") ? problems[0].querySelector("input, select, textarea") : problems[0];
      if (first) { first.focus(); first.scrollIntoView({ block: "center" }); }
    } else if (banner) { banner.hidden = true; }
  });
  form.addEventListener("input", function (event) {
    if (event.target.name && event.target.getAttribute("aria-invalid") && !checkOne(event.target)) { clearError(event.target.name); }
    computeAll();
  });
  form.addEventListener("change", computeAll);
  computeAll();
})();
