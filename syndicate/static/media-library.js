// The media library dialog (templates/desk/_media_library.html), on the article form and on
// the translation form. Whoever wants an image asks with
//   window.dispatchEvent(new CustomEvent("syndicate:choose-image", {detail: {for: ...}})):
// - for "body" (the body editor's toolbar button, static/desk-editor.js): the dialog asks the
//   chosen image's text alternative and caption, then answers "syndicate:insert-image" with
//   {url, alt, caption, width, height};
// - for "lead" (the lead image picker, static/media-picker.js): it answers at once with
//   "syndicate:image-chosen", the library's item (url, alt, caption, renditions…).
(function () {
  "use strict";
  var dialog = document.querySelector("dialog[data-library]");
  if (!dialog) return;
  var text = dialog.dataset;
  var grid = dialog.querySelector("[data-grid]");
  var search = dialog.querySelector("[data-search]");
  var searchBox = search.parentNode;
  var insert = dialog.querySelector("[data-insert]");
  var insertPreview = dialog.querySelector("[data-insert-preview]");
  var insertAlt = dialog.querySelector("[data-insert-alt]");
  var insertCaption = dialog.querySelector("[data-insert-caption]");
  var forBody = false;  // the dialog was opened by the body editor's button
  var chosen = null;

  // An image of the library (or an upload's answer) to show small: its WebP rendition.
  function smallest(item) {
    var webp = item.renditions.filter(function (r) { return r.type === "image/webp"; });
    return webp.length ? webp[0].url : item.url;
  }
  window.syndicateMedia = { smallest: smallest };

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
            dialog.close();
            window.dispatchEvent(new CustomEvent("syndicate:image-chosen", { detail: item }));
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
    insertAlt.required = false;  // else a form around the dialog could not be sent
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

  window.addEventListener("syndicate:choose-image", function (event) {
    forBody = !event.detail || event.detail.for !== "lead";
    showLibrary();
    load();
    dialog.showModal();
  });
  dialog.querySelector("[data-insert-back]").addEventListener("click", function () {
    showLibrary();
    search.focus();
  });
  dialog.querySelector("[data-insert-confirm]").addEventListener("click", function () {
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
  dialog.querySelector("[data-close]").addEventListener("click", function () { dialog.close(); });
  var typing;
  search.addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(load, 250);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); load(); }  // not the form around it
  });
})();
