/* Reports (reports/_table.html, reports/_chart.html): a table or chart wider than its box
   scrolls inside the box; its hint ("Geser untuk melihat kolom lain →", [data-scroll-hint-for]
   naming the box) shows only while the content is wider than the box, and again after the
   window changes size. Without this script the hint stays hidden and the box still scrolls,
   its edge shadows (css/reports.css) saying there is more to the side. No inline script (CSP). */
(function () {
  "use strict";
  var hints = document.querySelectorAll("[data-scroll-hint-for]");
  function update(hint, box) {
    hint.hidden = !(box.scrollWidth > box.clientWidth);
  }
  hints.forEach(function (hint) {
    var box = document.getElementById(hint.dataset.scrollHintFor);
    if (!box) {
      return;
    }
    update(hint, box);
    if (window.ResizeObserver) {
      new ResizeObserver(function () { update(hint, box); }).observe(box);
    } else {
      window.addEventListener("resize", function () { update(hint, box); });
    }
  });
})();
