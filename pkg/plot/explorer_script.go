package plot

// explorerJS is the page side of an Explorer. It finds its root element
// (ROOT_ID is replaced by the explorer's id), enables the controls, hides the
// "static view" note and switches the image between the frames. Arrow keys on
// a focused control move it one value; the handler stops their propagation,
// so JupyterLab (which listens for shortcuts on the document, in the bubbling
// phase) never sees them and does not move the notebook's cursor instead.
// Other keys (Ctrl+S, Shift+Enter) still reach JupyterLab.
// After each switch it records, on the root element, the number of frames
// shown (data-renders), the combination (data-combination) and the time from
// the input event to the decoded image (data-latency-ms).
const explorerJS = `(function () {
  var s = document.currentScript;
  var root = (s && s.closest && s.closest(".molrg-explorer")) || document.getElementById("ROOT_ID");
  if (!root || root.getAttribute("data-live") === "1") return;
  var data = JSON.parse(root.querySelector("script.molrg-data").textContent);
  root.setAttribute("data-live", "1");
  root.setAttribute("data-renders", "0");
  var img = root.querySelector("img.molrg-frame");
  var cap = root.querySelector(".molrg-caption");
  var state = root.querySelector(".molrg-state");
  var note = root.querySelector(".molrg-note");
  if (note) note.style.display = "none";
  var at = data.params.map(function (p) { return p.default; });
  var urls = [];
  function url(f) {
    if (!urls[f]) {
      urls[f] = data.png ? "data:image/png;base64," + data.frames[f]
        : URL.createObjectURL(new Blob([data.frames[f]], { type: "image/svg+xml" }));
    }
    return urls[f];
  }
  var controls = Array.prototype.slice.call(root.querySelectorAll("[data-param]"));
  function sync() {
    controls.forEach(function (el) {
      var p = +el.getAttribute("data-param");
      if (el.type === "radio") el.checked = (+el.value === at[p]);
      else if (el.tagName === "SELECT") el.selectedIndex = at[p];
      else el.value = String(at[p]);
    });
    data.params.forEach(function (p, i) {
      var out = root.querySelector('[data-value-of="' + i + '"]');
      if (out) out.textContent = p.labels[at[i]];
    });
  }
  var renders = 0;
  function show(t0) {
    var k = 0;
    for (var p = 0; p < at.length; p++) k = k * data.params[p].labels.length + at[p];
    var f = data.index[k];
    state.textContent = data.params.map(function (p, i) { return p.name + " = " + p.labels[at[i]]; }).join(" \u00b7 ");
    if (cap) cap.textContent = data.captions[f] || "";
    img.src = url(f);
    root.setAttribute("data-combination", String(k));
    var done = function () {
      renders++;
      root.setAttribute("data-latency-ms", (performance.now() - t0).toFixed(1));
      root.setAttribute("data-renders", String(renders));
    };
    if (img.decode) img.decode().then(done, done); else done();
  }
  function set(p, v, t0) {
    var n = data.params[p].labels.length;
    v = Math.max(0, Math.min(n - 1, v));
    if (v !== at[p]) { at[p] = v; show(t0); }
    sync();
  }
  var steps = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1, PageDown: -5, PageUp: 5 };
  controls.forEach(function (el) {
    var p = +el.getAttribute("data-param");
    el.disabled = false;
    if (el.type === "radio") {
      el.addEventListener("change", function () { if (el.checked) set(p, +el.value, performance.now()); });
    } else if (el.tagName === "SELECT") {
      el.addEventListener("change", function () { set(p, el.selectedIndex, performance.now()); });
    } else {
      el.addEventListener("input", function () { set(p, +el.value, performance.now()); });
    }
    el.addEventListener("keydown", function (e) {
      var n = data.params[p].labels.length, v;
      if (e.key in steps) v = at[p] + steps[e.key];
      else if (e.key === "Home") v = 0;
      else if (e.key === "End") v = n - 1;
      else return;
      e.preventDefault();
      e.stopPropagation();
      set(p, v, performance.now());
      if (el.type === "radio") {
        var on = root.querySelector('input[data-param="' + p + '"][value="' + at[p] + '"]');
        if (on) on.focus();
      }
    });
  });
  sync();
})();`
