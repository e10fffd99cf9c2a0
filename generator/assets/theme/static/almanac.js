// Almanac default theme: progressive enhancement only; every page is complete without it.
// - copy buttons for code and citations (pre[data-copy])
// - loads the WASM front end when the page names it (data-almanac-app on this script)
(function () {
  "use strict";
  var script = document.currentScript;
  var app = script && script.getAttribute("data-almanac-app");
  if (app) {
    import(new URL(app, document.baseURI).href)
      .then(function (module) { return module.default(); })
      .catch(function (error) { console.warn("Almanac app not loaded:", error); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    document.body.appendChild(status);
    document.querySelectorAll("pre[data-copy]").forEach(function (pre) {
      if (!navigator.clipboard) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy";
      button.textContent = "Copy";
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(pre.textContent).then(function () {
          button.textContent = "Copied";
          status.textContent = "Copied to the clipboard.";
          setTimeout(function () { button.textContent = "Copy"; }, 2000);
        });
      });
      pre.parentNode.insertBefore(button, pre);
    });
  });
})();
