// A phone photo is often over the upload limit. When the chosen file is a JPEG over
// the limit (data-max-bytes on the input), it is redrawn on a canvas and re-encoded as
// a smaller JPEG, then put back in the input before the form is sent. Without
// JavaScript nothing happens here and the server refuses the file with its message;
// the server checks the limit whatever this script did.
(function () {
  if (window.ecesureCompressUpload) {
    return; // htmx runs this file again on each boosted page; one listener is enough
  }
  window.ecesureCompressUpload = true;

  var QUALITIES = [0.85, 0.7, 0.55, 0.4];
  var LONG_SIDE = 2480; // A4 at 300 dpi: enough to read any document
  var SHRINK = 0.75;
  var ATTEMPTS = 6;

  function isJpeg(file) {
    return file.type === "image/jpeg" || /\.jpe?g$/i.test(file.name);
  }

  function encode(canvas, quality) {
    return new Promise(function (resolve) {
      canvas.toBlob(resolve, "image/jpeg", quality);
    });
  }

  // createImageBitmap reads the file without a blob: URL, which our CSP would block.
  async function compress(file, maxBytes) {
    var bitmap = await createImageBitmap(file);
    var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
    for (var attempt = 0; attempt < ATTEMPTS; attempt++) {
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      for (var i = 0; i < QUALITIES.length; i++) {
        var blob = await encode(canvas, QUALITIES[i]);
        if (blob && blob.size <= maxBytes) {
          bitmap.close();
          return blob;
        }
      }
      scale *= SHRINK;
    }
    bitmap.close();
    return null;
  }

  function jpegName(name) {
    return /\.jpe?g$/i.test(name) ? name : name.replace(/\.[^.]*$/, "") + ".jpg";
  }

  function setBusy(form, busy) {
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = busy;
    });
    form.toggleAttribute("aria-busy", busy);
  }

  document.addEventListener("change", async function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) {
      return;
    }
    var file = input.files && input.files[0];
    var maxBytes = parseInt(input.dataset.maxBytes, 10);
    var form = input.form;
    var status = form && form.querySelector(".compress-status");
    if (status) {
      status.textContent = "";
    }
    if (!file || !form || !maxBytes || file.size <= maxBytes || !isJpeg(file)) {
      return;
    }
    if (typeof createImageBitmap !== "function" || typeof DataTransfer !== "function") {
      return; // an old browser: the server's message will say what to do
    }
    setBusy(form, true);
    if (status) {
      status.textContent = input.dataset.msgCompressing;
    }
    try {
      var blob = await compress(file, maxBytes);
      if (blob) {
        var smaller = new File([blob], jpegName(file.name), {
          type: "image/jpeg",
          lastModified: Date.now(),
        });
        var transfer = new DataTransfer();
        transfer.items.add(smaller);
        input.files = transfer.files;
        if (status) {
          status.textContent = input.dataset.msgCompressed;
        }
      } else if (status) {
        status.textContent = input.dataset.msgFailed;
      }
    } catch (error) {
      // An image the browser cannot decode: send it as it is, the server will answer.
      if (status) {
        status.textContent = "";
      }
    } finally {
      setBusy(form, false);
    }
  });
})();
