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
      "paragraph", "bold", "italic", "|", "ul", "ol", "|", "link", "image", "library", "table", "|",
      "undo", "redo", "|", "source",
    ],
    controls: {
      // Its words beside the icon: Jodit's own "image" button (an address typed in) has the
      // same picture, and the library is what an editor usually wants.
      library: {
        tooltip: area.dataset.labelLibrary || "Library",
        icon: "image",
        update: function (jodit, button) {
          button.state.text = area.dataset.labelLibrary || "Library";
        },
        exec: function (jodit) {
          jodit.e.fire("syndicate:library");
          window.dispatchEvent(new CustomEvent("syndicate:choose-image", { detail: { for: "body" } }));
        },
      },
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
  // Jodit reports a change after a short delay: a save clicked right after typing must not
  // send the text from before (the form data is read after the submit event).
  if (area.form) {
    area.form.addEventListener("submit", function () {
      editor.synchronizeValues();
      area.value = editor.value;
    });
  }
  // A media picker on the page (static/media-picker.js) inserts an image into the body with
  // window.dispatchEvent(new CustomEvent("syndicate:insert-image",
  //   {detail: {url, alt, caption, width, height}})): a <figure> with the image (and its
  // caption), which the server's sanitizer keeps, at the caret the editor had.
  var caret = null;

  function keepCaret() {
    var selection = editor.ew.getSelection();
    caret = null;
    if (selection && selection.rangeCount) {
      var range = selection.getRangeAt(0);
      if (editor.editor.contains(range.startContainer)) caret = range.cloneRange();
    }
  }

  // The body's top-level block holding the caret (a paragraph, heading, list…), or null.
  function topBlock(node) {
    while (node && node.parentNode !== editor.editor) node = node.parentNode;
    return node && node.parentNode === editor.editor ? node : null;
  }

  function isEmpty(block) {
    return !block.textContent.trim() && !block.querySelector("img, table");
  }

  // A figure is a block: in the middle of a paragraph (or heading, quote) it splits it in
  // two at the caret; in a list or a table it goes after it; with no caret, at the end.
  function place(figure) {
    var root = editor.editor;
    var block = caret && root.contains(caret.startContainer) ? topBlock(caret.startContainer) : null;
    if (!block) {
      root.appendChild(figure);
    } else if (/^(P|H[2-4]|BLOCKQUOTE)$/.test(block.nodeName)) {
      var tail = editor.ed.createRange();
      tail.setStart(caret.startContainer, caret.startOffset);
      tail.setEnd(block, block.childNodes.length);
      var rest = editor.createInside.element(block.nodeName.toLowerCase());
      rest.appendChild(tail.extractContents());
      block.parentNode.insertBefore(figure, block.nextSibling);
      if (!isEmpty(rest)) figure.parentNode.insertBefore(rest, figure.nextSibling);
      if (isEmpty(block)) block.parentNode.removeChild(block);
    } else {
      block.parentNode.insertBefore(figure, block.nextSibling);
    }
    // Somewhere to go on writing after it.
    var next = figure.nextSibling;
    if (!next) {
      next = editor.createInside.element("p");
      next.appendChild(editor.createInside.element("br"));
      root.appendChild(next);
    }
    editor.s.setCursorIn(next, true);
  }

  window.addEventListener("syndicate:insert-image", function (event) {
    var detail = event.detail || {};
    if (!detail.url) return;
    var figure = editor.createInside.element("figure");
    var image = editor.createInside.element("img");
    image.setAttribute("src", detail.url);
    image.setAttribute("alt", detail.alt || "");
    if (detail.width && detail.height) {
      image.setAttribute("width", String(detail.width));
      image.setAttribute("height", String(detail.height));
    }
    figure.appendChild(image);
    if (detail.caption) {
      var caption = editor.createInside.element("figcaption");
      caption.textContent = detail.caption;
      figure.appendChild(caption);
    }
    editor.s.focus();
    place(figure);
    caret = null;
    editor.synchronizeValues();
    area.value = editor.value;
  });

  // The toolbar's "image from the library" button: remember the caret (the dialog takes the
  // focus), then ask the page's media picker to open its library for the body.
  editor.e.on("syndicate:library", keepCaret);
})();
