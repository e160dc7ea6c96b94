// Progressive enhancement for the one-card page: reload it shortly before
// its QR expires, so a desk always scans a valid code. Without JavaScript the
// page offers a link to a new code instead (a meta refresh would take the
// timing out of the person's hands, WCAG 2.2.1).
(function () {
  var figure = document.getElementById("card-qr");
  var seconds = figure ? parseInt(figure.getAttribute("data-refresh-seconds"), 10) : 0;
  if (seconds > 0) {
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();
