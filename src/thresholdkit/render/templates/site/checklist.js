// thresholdkit checklist: the level is the highest level among the ticked indicators (the same
// rule as `thresholdkit assess`; tests/test_site.py holds the two together).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("tk-data").textContent);
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-level]"));
  var radios = Array.prototype.slice.call(document.querySelectorAll("input[name='own-level']"));
  var search = document.getElementById("filter-text");
  var domain = document.getElementById("filter-domain");

  function currentLevel() {
    var level = 0;
    boxes.forEach(function (box) {
      if (box.checked) { level = Math.max(level, Number(data.indicators[box.value])); }
    });
    radios.forEach(function (r) { if (r.checked) { level = Math.max(level, Number(r.value)); } });
    return level;
  }

  function update() {
    var level = currentLevel();
    var ticked = boxes.filter(function (b) { return b.checked; }).length;
    document.getElementById("result-none").hidden = level !== 0;
    for (var n = 1; n <= 4; n++) {
      document.getElementById("result-level-" + n).hidden = level !== n;
    }
    document.getElementById("ticked-count").textContent = String(ticked);
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
    Array.prototype.slice.call(document.querySelectorAll("fieldset[data-domain]")).forEach(function (fs) {
      var visible = fs.querySelectorAll(".check:not([hidden])").length;
      fs.hidden = visible === 0;
    });
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
  update();
})();
