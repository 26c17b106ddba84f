// Upload progress for the piece forms (progressive enhancement: without JavaScript the
// form posts normally). htmx fires "htmx:xhr:progress" on the form it submits, for the
// upload and then for the answer's download: the bar only ever moves forward.
(function () {
  if (window.ecesureUploadProgress) {
    return; // htmx runs this file again on each boosted page; one listener is enough
  }
  window.ecesureUploadProgress = true;

  function barOf(event) {
    var form = event.target && event.target.closest && event.target.closest("form[data-upload]");
    return form ? form.querySelector(".upload-progress") : null;
  }

  document.addEventListener("htmx:xhr:loadstart", function (event) {
    var box = barOf(event);
    if (box) {
      box.hidden = false;
    }
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var box = barOf(event);
    if (!box || !event.detail.lengthComputable || !event.detail.total) {
      return;
    }
    var bar = box.querySelector("progress");
    var percent = Math.round((event.detail.loaded / event.detail.total) * 100);
    if (percent > bar.value) {
      bar.value = percent;
      bar.textContent = percent + " %";
    }
  });
})();
