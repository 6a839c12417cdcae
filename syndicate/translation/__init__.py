"""Machine translation of articles between English and Chinese with Argos Translate models.

``packages`` lists and installs Argos packages; ``engine`` runs their CTranslate2 models in
batches; ``segmenter``, ``htmldoc``, ``glossary`` and ``textfix`` prepare text for the model and
tidy its output; ``pipeline`` ties them together for one direction, with a translation cache.

Only ``engine`` (inside its functions) imports ctranslate2/sentencepiece, and only ``packages``'
install functions import argostranslate: the web process may import every other module here.
"""
