"""A fake MiniSBD sentence-boundary model (ONNX, < 1 KB): Argos's default path runs offline.

Every character is a token and ``. ! ? 。！？`` end a sentence.  Placed at
``<package>/minisbd/<anything>.onnx``, argostranslate's MiniSBDSentencizer loads it instead of
downloading a model.  Needs the ``onnx`` package (a dev dependency).
"""

from __future__ import annotations

import json

import numpy as np

ENDERS = ".!?。！？"


def fake_minisbd_bytes(lang: str = "xx") -> bytes:
    from onnx import TensorProto, helper, numpy_helper

    units = ["<PAD>", "<UNK>", *ENDERS]
    table = np.full((len(units), 5), -10.0, np.float32)
    table[0, 0] = 10.0  # <PAD>: class 0
    table[1, 1] = 10.0  # any other character: end of token
    table[2:, 2] = 10.0  # sentence enders: end of sentence
    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "units"], ["logits"], axis=0)],
        "fake_sbd",
        [
            helper.make_tensor_value_info("units", TensorProto.INT64, ["B", "T"]),
            helper.make_tensor_value_info("features", TensorProto.FLOAT, ["B", "T", 1]),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["B", "T", 5])],
        [numpy_helper.from_array(table, "table")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    vocab = {
        "lang": lang,
        "idx": 0,
        "cutoff": 0,
        "lower": False,
        "_id2unit": units,
        "_unit2id": {u: i for i, u in enumerate(units)},
    }
    config = {
        "feat_funcs": ["space_before"],
        "max_seqlen": 1000,
        "batch_size": 1,
        "use_dictionary": False,
        "num_dict_feat": 0,
        "skip_newline": False,
    }
    props = {
        "lang_code": lang,
        "config": json.dumps(config),
        "vocab": json.dumps(vocab),
        "lexicon": "null",
    }
    for key, value in props.items():
        model.metadata_props.add(key=key, value=value)
    return model.SerializeToString()
