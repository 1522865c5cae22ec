// thresholdkit checklist: the level is the highest level among the ticked indicators of every
// indicator set together (the same rule as `thresholdkit assess`; tests/test_site.py holds the
// two together). Nothing leaves the page: the case file is a download made by this browser.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("tk-data").textContent);
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-level]"));
  var radios = Array.prototype.slice.call(document.querySelectorAll("input[name='own-level']"));
  var search = document.getElementById("filter-text");
  var domain = document.getElementById("filter-domain");
  var bar = document.getElementById("result-bar");

  function ticked() { return boxes.filter(function (b) { return b.checked; }); }

  function ownLevel() {
    var level = 0;
    radios.forEach(function (r) { if (r.checked) { level = Math.max(level, Number(r.value)); } });
    return level;
  }

  function currentLevel() {
    var level = ownLevel();
    ticked().forEach(function (box) { level = Math.max(level, Number(data.indicators[box.value])); });
    return level;
  }

  function fitBar() {
    // keep the page's end, and whatever has the focus, clear of the fixed result bar
    if (!bar) { return; }
    var height = bar.offsetHeight + "px";
    document.body.style.paddingBottom = height;
    document.documentElement.style.scrollPaddingBottom = height;
  }

  function listTicked(chosen) {
    var list = document.getElementById("ticked-list");
    if (!list) { return; }
    while (list.firstChild) { list.removeChild(list.firstChild); }
    chosen.forEach(function (box) {
      var key = box.value;
      var item = document.createElement("li");
      var level = document.createElement("span");
      level.className = "level-badge l" + data.indicators[key];
      level.textContent = "L" + data.indicators[key];
      item.appendChild(level);
      item.appendChild(document.createTextNode(" " + data.texts[key] + " "));
      var src = document.createElement("span");
      src.className = "src";
      var set = box.getAttribute("data-set");
      var title = set && set !== "main" ? data.sets[set] : "";
      var where = title && data.sources[key].indexOf(title) === -1 ? title + "; " : "";
      src.textContent = "[" + where + data.sources[key] + "]";
      item.appendChild(src);
      list.appendChild(item);
    });
    document.getElementById("ticked").hidden = chosen.length === 0;
  }

  function update() {
    var level = currentLevel();
    var chosen = ticked();
    document.getElementById("result-none").hidden = level !== 0;
    var barNone = document.getElementById("bar-none");
    if (barNone) { barNone.hidden = level !== 0; }
    for (var n = 1; n <= 4; n++) {
      document.getElementById("result-level-" + n).hidden = level !== n;
      var b = document.getElementById("bar-level-" + n);
      if (b) { b.hidden = level !== n; }
    }
    document.getElementById("ticked-count").textContent = String(chosen.length);
    if (bar) { bar.setAttribute("data-level", String(level)); }
    listTicked(chosen);
    fitBar();
  }

  function filter() {
    var text = search ? search.value.trim().toLowerCase() : "";
    var dom = domain ? domain.value : "";
    boxes.forEach(function (box) {
      var row = box.closest(".check");
      var label = row.textContent.toLowerCase();
      var show = (!text || label.indexOf(text) !== -1) && (!dom || box.getAttribute("data-domain") === dom);
      row.hidden = !show;
    });
    Array.prototype.slice.call(document.querySelectorAll("fieldset[data-group]")).forEach(function (fs) {
      fs.hidden = fs.querySelectorAll(".check:not([hidden])").length === 0;
    });
    Array.prototype.slice.call(document.querySelectorAll("section.set")).forEach(function (sec) {
      sec.hidden = sec.querySelectorAll("fieldset[data-group]:not([hidden])").length === 0;
    });
  }

  function caseFile() {
    // the same shape `thresholdkit assess AREA FILE` reads: ids of the main set as they are,
    // a named set's as SET/ID
    var out = { area: data.area };
    var chosen = ticked().map(function (b) { return b.value; });
    if (chosen.length) { out.indicators = chosen; }
    var own = ownLevel();
    if (own) { out.level = own; }
    return out;
  }

  function save() {
    var text = JSON.stringify(caseFile(), null, 2) + "\n";
    var blob = new Blob([text], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = data.area + "-case.json";
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }

  boxes.concat(radios).forEach(function (el) { el.addEventListener("change", update); });
  if (search) { search.addEventListener("input", filter); }
  if (domain) { domain.addEventListener("change", filter); }
  var clear = document.getElementById("clear");
  if (clear) {
    clear.addEventListener("click", function () {
      boxes.concat(radios).forEach(function (el) { el.checked = false; });
      update();
    });
  }
  var print = document.getElementById("print");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
  var saveButton = document.getElementById("save-case");
  if (saveButton) { saveButton.addEventListener("click", save); }
  window.addEventListener("resize", fitBar);
  update();
})();
