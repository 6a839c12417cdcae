// The article form's image picker (templates/desk/_image_picker.html): upload an image with a
// progress bar, or choose one from the media library (its dialog is static/media-library.js);
// the chosen image's address goes into the image URL field, which is all the form sends.
// Without JavaScript that field is typed.
(function () {
  "use strict";
  var picker = document.querySelector("[data-picker]");
  if (!picker || !window.syndicateMedia) return;
  var smallest = window.syndicateMedia.smallest;
  var text = picker.dataset;
  var url = document.getElementById("f-image_url");
  var alt = document.getElementById("f-image_alt");
  var caption = document.getElementById("f-image_caption");
  var preview = picker.querySelector("[data-preview]");
  var previewImage = picker.querySelector("[data-preview-image]");
  var file = picker.querySelector("[data-file]");
  var progress = picker.querySelector("[data-progress]");
  var status = picker.querySelector("[data-status]");
  var remove = picker.querySelector("[data-remove]");
  picker.querySelector("[data-actions]").hidden = false;

  // Alt text is required as soon as there is an image: the browser says so before sending.
  function sync(previewUrl) {
    var has = url.value.trim() !== "";
    alt.required = has;
    remove.hidden = !has;
    preview.hidden = !has;
    if (has) previewImage.src = previewUrl || url.value.trim();
  }

  function use(item) {
    url.value = item.url;
    if (!alt.value.trim() && item.alt) alt.value = item.alt;
    if (!caption.value.trim() && item.caption) caption.value = item.caption;
    sync(smallest(item));
  }

  function say(message, failed) {
    status.textContent = message;
    status.classList.toggle("error", !!failed);
  }

  file.addEventListener("change", function () {
    if (!file.files.length) return;
    var body = new FormData();
    body.append("file", file.files[0]);
    body.append("alt", alt.value);
    body.append("caption", caption.value);
    var request = new XMLHttpRequest();
    request.open("POST", text.uploadUrl);
    request.setRequestHeader("Accept", "application/json");
    request.setRequestHeader("X-CSRF-Token", text.csrf);
    progress.hidden = false;
    progress.value = 0;
    say(text.textUploading + " 0%");
    request.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) return;
      var percent = Math.round((100 * event.loaded) / event.total);
      progress.value = percent;
      say(percent < 100 ? text.textUploading + " " + percent + "%" : text.textProcessing);
    });
    request.addEventListener("load", function () {
      progress.hidden = true;
      var answer = {};
      try { answer = JSON.parse(request.responseText); } catch (e) { answer = {}; }
      if (request.status === 200 || request.status === 201) {
        use(answer);
        say(text.textUploaded);
        if (!alt.value.trim()) alt.focus();
      } else {
        say(answer.error || text.textFailed, true);
      }
      file.value = "";
    });
    request.addEventListener("error", function () {
      progress.hidden = true;
      say(text.textFailed, true);
    });
    request.send(body);
  });

  picker.querySelector("[data-open-library]").addEventListener("click", function () {
    window.dispatchEvent(new CustomEvent("syndicate:choose-image", { detail: { for: "lead" } }));
  });
  window.addEventListener("syndicate:image-chosen", function (event) {
    use(event.detail);
    alt.focus();
  });
  remove.addEventListener("click", function () {
    url.value = "";
    sync();
    say("");
  });
  url.addEventListener("input", function () { sync(); });
  sync(previewImage.getAttribute("src") || undefined);
})();
