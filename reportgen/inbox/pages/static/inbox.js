// A few lines only: the pages work without them (check and hand-in are plain form posts).
(function () {
  var input = document.getElementById("form-file"), form = document.getElementById("check-form");
  if (input && form) {
    // a file picked or dropped on the field is checked at once
    input.addEventListener("change", function () {
      if (input.files.length) { document.getElementById("checking").hidden = false; form.submit(); }
    });
  }
  var verdict = document.getElementById("verdict");
  if (verdict) {
    // re-set the verdict once the page is up so that screen readers announce it
    var text = verdict.textContent; verdict.textContent = "";
    setTimeout(function () { verdict.textContent = text; }, 150);
  }
  document.querySelectorAll("button.copy").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var area = document.getElementById(b.dataset.copy), note = b.nextElementSibling;
      area.select();
      var done = function () { note.textContent = b.dataset.done; };
      if (navigator.clipboard) { navigator.clipboard.writeText(area.value).then(done, function () { document.execCommand("copy"); done(); }); }
      else { document.execCommand("copy"); done(); }
    });
  });
})();
