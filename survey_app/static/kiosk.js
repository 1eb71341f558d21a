/* Kiosk: after a quiet spell the screen returns to the start, so the next person never sees someone
   else's answers. #kiosk-timer says when; with data-warn it is shown that many seconds before, with a
   button to carry on. Any key, touch or typing starts the wait again (WCAG 2.2.1). */
(function () {
  var timer = document.getElementById("kiosk-timer");
  if (!timer) { return; }
  var seconds = Number(timer.getAttribute("data-seconds"));
  var warn = Number(timer.getAttribute("data-warn") || 0);
  var url = timer.getAttribute("data-url");
  var button = timer.querySelector("button");
  var pending = [];
  var before = null;
  function later(action, delay) { pending.push(window.setTimeout(action, delay * 1000)); }
  function restart() {
    pending.forEach(window.clearTimeout);
    pending = [];
    if (warn && !timer.hidden) {
      if (timer.contains(document.activeElement) && before) { before.focus(); }
      timer.hidden = true;
    }
    later(function () {
      if (warn) {
        before = document.activeElement;
        timer.hidden = false;
        if (button) { button.focus(); }
      }
      later(function () { window.location.replace(url); }, warn);
    }, seconds - warn);
  }
  ["keydown", "pointerdown", "input"].forEach(function (name) {
    document.addEventListener(name, restart, true);
  });
  if (button) { button.addEventListener("click", restart); }
  restart();
}());
