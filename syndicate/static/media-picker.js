// The article form's image picker (templates/desk/_image_picker.html): upload an image with a
// progress bar, or choose one from the media library; the chosen image's address goes into
// the image URL field, which is all the form sends. Without JavaScript that field is typed.
// The same library dialog serves the body editor's toolbar button (static/desk-editor.js):
// on "syndicate:choose-image" it opens for the body, asks the image's text alternative and
// caption, and answers with "syndicate:insert-image".
(function () {
  "use strict";
  var picker = document.querySelector("[data-picker]");
  if (!picker) return;
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
  var dialog = picker.querySelector("[data-library]");
  var grid = picker.querySelector("[data-grid]");
  var search = picker.querySelector("[data-search]");
  var searchBox = search.parentNode;
  var insert = picker.querySelector("[data-insert]");
  var insertPreview = picker.querySelector("[data-insert-preview]");
  var insertAlt = picker.querySelector("[data-insert-alt]");
  var insertCaption = picker.querySelector("[data-insert-caption]");
  var forBody = false;  // the dialog was opened by the body editor's button
  var chosen = null;
  picker.querySelector("[data-actions]").hidden = false;

  function smallest(item) {
    var webp = item.renditions.filter(function (r) { return r.type === "image/webp"; });
    return webp.length ? webp[0].url : item.url;
  }

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

  function load() {
    var query = new URLSearchParams({ q: search.value.trim() });
    fetch(text.libraryUrl + "?" + query, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; })
      .then(function (body) {
        grid.textContent = "";
        if (!body.items.length) {
          var empty = document.createElement("li");
          empty.textContent = text.textEmpty;
          grid.appendChild(empty);
        }
        body.items.forEach(function (item) {
          var entry = document.createElement("li");
          entry.className = "media-item";
          var button = document.createElement("button");
          button.type = "button";
          button.dataset.choose = item.url;
          var image = document.createElement("img");
          image.src = smallest(item);
          image.alt = "";
          image.width = item.width;
          image.height = item.height;
          var label = document.createElement("span");
          label.textContent = text.textChoose + ": " + (item.alt || item.caption || item.url);
          button.append(image, label);
          button.addEventListener("click", function () {
            if (forBody) {
              ask(item);
              return;
            }
            use(item);
            dialog.close();
            alt.focus();
          });
          var usage = document.createElement("small");
          usage.textContent = text.textUsed + " " + item.usage;
          entry.append(button, usage);
          grid.appendChild(entry);
        });
      });
  }

  // The grid and its search, or (for the body) the chosen image's alt and caption.
  function showLibrary() {
    insert.hidden = true;
    insertAlt.required = false;  // else the article form could not be sent
    grid.hidden = false;
    searchBox.hidden = false;
  }

  function ask(item) {
    chosen = item;
    grid.hidden = true;
    searchBox.hidden = true;
    insert.hidden = false;
    insertPreview.src = smallest(item);
    insertAlt.value = item.alt || "";
    insertCaption.value = item.caption || "";
    insertAlt.required = true;
    insertAlt.focus();
  }

  function open(body) {
    forBody = body;
    showLibrary();
    load();
    dialog.showModal();
  }

  picker.querySelector("[data-open-library]").addEventListener("click", function () { open(false); });
  window.addEventListener("syndicate:choose-image", function () { open(true); });
  picker.querySelector("[data-insert-back]").addEventListener("click", function () {
    showLibrary();
    search.focus();
  });
  picker.querySelector("[data-insert-confirm]").addEventListener("click", function () {
    if (!insertAlt.value.trim()) {
      insertAlt.reportValidity();
      return;
    }
    var detail = {
      url: chosen.url,
      alt: insertAlt.value.trim(),
      caption: insertCaption.value.trim(),
      width: chosen.width,
      height: chosen.height,
    };
    dialog.close();  // first: closing gives the focus back to the toolbar, inserting to the body
    window.dispatchEvent(new CustomEvent("syndicate:insert-image", { detail: detail }));
  });
  dialog.addEventListener("close", function () {
    showLibrary();
    forBody = false;
    chosen = null;
  });
  picker.querySelector("[data-close]").addEventListener("click", function () { dialog.close(); });
  var typing;
  search.addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(load, 250);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); load(); }  // not the article form
  });
  remove.addEventListener("click", function () {
    url.value = "";
    sync();
    say("");
  });
  url.addEventListener("input", function () { sync(); });
  sync(previewImage.getAttribute("src") || undefined);
})();
