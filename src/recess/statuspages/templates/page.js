(function () {
  "use strict";
  // Times in the reader's own zone; the UTC text the server wrote stays as the title.
  var format = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  });
  var times = document.querySelectorAll("time[data-local]");
  for (var i = 0; i < times.length; i++) {
    var moment = new Date(times[i].getAttribute("datetime"));
    if (!isNaN(moment.getTime())) {
      times[i].title = times[i].textContent;
      times[i].textContent = format.format(moment);
      times[i].setAttribute("data-localized", "");
    }
  }
  // One tab stop per bar: arrows, Home and End move between its days.
  var bars = document.querySelectorAll("ol.bar");
  for (var b = 0; b < bars.length; b++) {
    var cells = bars[b].children;
    for (var c = 0; c < cells.length; c++) cells[c].tabIndex = c === cells.length - 1 ? 0 : -1;
    bars[b].addEventListener("keydown", function (event) {
      var shown = Array.prototype.filter.call(this.children, function (cell) { return cell.offsetParent !== null; });
      var at = shown.indexOf(document.activeElement);
      var to = {ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: shown.length - 1}[event.key];
      if (at < 0 || to === undefined) return;
      to = Math.max(0, Math.min(shown.length - 1, to));
      event.preventDefault();
      shown[at].tabIndex = -1;
      shown[to].tabIndex = 0;
      shown[to].focus();
    });
  }
})();
