/* Quick exit: the link works without script; this adds the Esc key and keeps the page out of "Back". */
(function () {
  var link = document.querySelector(".quick-exit");
  if (!link) { return; }
  function leave(event) {
    if (event) { event.preventDefault(); }
    window.location.replace(link.href);
  }
  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") { leave(event); }
  });
}());
