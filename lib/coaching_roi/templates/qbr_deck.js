// Slide navigation: arrows/PageUp/PageDown/space/Home/End, click right or left half, #n in the URL; "n" toggles notes.
(function () {
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var counter = document.getElementById("counter");
  var current = 0;
  function fit() {
    var s = Math.min(window.innerWidth / 1280, (window.innerHeight - 40) / 720);
    slides.forEach(function (el) { el.style.transform = "scale(" + Math.max(s, 0.2) + ")"; });
  }
  function show(i) {
    current = Math.max(0, Math.min(slides.length - 1, i));
    slides.forEach(function (el, k) { el.classList.toggle("active", k === current); });
    if (counter) { counter.textContent = (current + 1) + " / " + slides.length; }
    if (history.replaceState) { history.replaceState(null, "", "#" + (current + 1)); }
  }
  document.addEventListener("keydown", function (e) {
    if (["ArrowRight", "PageDown", " ", "Enter"].indexOf(e.key) >= 0) { show(current + 1); e.preventDefault(); }
    else if (["ArrowLeft", "PageUp", "Backspace"].indexOf(e.key) >= 0) { show(current - 1); e.preventDefault(); }
    else if (e.key === "Home") { show(0); } else if (e.key === "End") { show(slides.length - 1); }
    else if (e.key === "n") { document.body.classList.toggle("show-notes"); }
  });
  document.getElementById("deck").addEventListener("click", function (e) {
    show(e.clientX > window.innerWidth / 2 ? current + 1 : current - 1);
  });
  document.getElementById("prev").addEventListener("click", function () { show(current - 1); });
  document.getElementById("next").addEventListener("click", function () { show(current + 1); });
  window.addEventListener("resize", fit);
  var start = parseInt((location.hash || "#1").slice(1), 10);
  fit();
  show(isNaN(start) ? 0 : start - 1);
})();
