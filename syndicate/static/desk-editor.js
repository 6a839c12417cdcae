// The article body's rich-text editor: Jodit (vendored, static/vendor) over the form's
// textarea, which stays the field that is sent (and all there is without JavaScript). Its
// toolbar offers only what the server's sanitizer keeps; pasted Word / Google Docs text is
// cleaned to plain structure; the "source" button shows and edits the raw HTML.
(function () {
  "use strict";
  var area = document.querySelector("textarea[data-rich-editor]");
  if (!area || !window.Jodit) return;

  // The subset of HTML syndicate.content.sanitize keeps (and the editor may produce).
  var allowed = {
    p: true, br: true, h2: true, h3: true, h4: true, blockquote: true,
    strong: true, b: true, em: true, i: true, u: true, s: true, sub: true, sup: true, code: true,
    a: { href: true }, ul: true, ol: true, li: true,
    img: { src: true, alt: true, width: true, height: true },
    figure: true, figcaption: true,
    table: true, thead: true, tbody: true, tr: true, th: true, td: true,
  };

  var editor = window.Jodit.make(area, {
    language: area.dataset.editorLanguage || "en",
    toolbarAdaptive: false,
    toolbarSticky: false,
    minHeight: 320,
    buttons: [
      "paragraph", "bold", "italic", "|", "ul", "ol", "|", "link", "image", "table", "|",
      "undo", "redo", "|", "source",
    ],
    controls: {
      paragraph: {
        list: { p: "Normal", h2: "Heading 2", h3: "Heading 3", h4: "Heading 4", blockquote: "Quote" },
      },
    },
    askBeforePasteHTML: false,
    askBeforePasteFromWord: false,
    defaultActionOnPaste: "insert_clear_html",
    defaultActionOnPasteFromWord: "insert_clear_html",
    cleanHTML: {
      allowTags: allowed,
      removeEmptyElements: true,
      fillEmptyParagraph: false,
      replaceNBSP: true,
    },
    link: { noFollowCheckbox: false, openInNewTabCheckbox: false, modeClassName: false },
    image: { editClass: false, editStyle: false, editBorderRadius: false, editMargins: false,
             editAlign: false, editSize: false, editId: false, editLink: false, useImageEditor: false },
    uploader: { insertImageAsBase64URI: false, url: "" },
    // The raw HTML in a plain textarea: Jodit's default source editor (Ace) and its
    // beautifier load from a CDN, which the desk's Content-Security-Policy refuses.
    sourceEditor: "area",
    beautifyHTML: false,
    showCharsCounter: false,
    showWordsCounter: false,
    showXPathInStatusbar: false,
    showPlaceholder: false,
    spellcheck: true,
    disablePlugins: ["file", "video", "speech-recognize", "ai-assistant", "print", "preview", "about",
                     "powered-by-jodit", "stat", "iframe", "media", "symbols", "font", "color"],
  });
  editor.editor.setAttribute("lang", area.getAttribute("lang") || "");
  editor.editor.setAttribute("aria-label", document.querySelector('label[for="' + area.id + '"]').textContent);
  // The form sends the textarea: keep it in step on every change, not only on submit.
  editor.events.on("change", function () {
    area.value = editor.value;
  });
  // A media picker on the page (the media library's) inserts an image into the body with
  // window.dispatchEvent(new CustomEvent("syndicate:insert-image", {detail: {url, alt}})).
  window.addEventListener("syndicate:insert-image", function (event) {
    var detail = event.detail || {};
    if (!detail.url) return;
    var image = editor.createInside.element("img");
    image.setAttribute("src", detail.url);
    image.setAttribute("alt", detail.alt || "");
    editor.s.insertImage(image, null, null);
    area.value = editor.value;
  });
})();
