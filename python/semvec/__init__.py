"""semvec: text embeddings, search, ANN indexes and 2-D maps on the CPU.

    import semvec
    model = semvec.load_model("models/glove-6B-100d-top20k-f16.safetensors")
    vectors = model.encode(["The cat sleeps", "Stocks fell"])          # (2, 100) float32
    ids, scores = semvec.top_k(model.encode(["a kitten"]), vectors, k=1)
    xy = semvec.umap(vectors_of_many_texts)                             # (N, 2)

The shapes follow sentence-transformers (Model.encode) and umap-learn (UMAP.fit / transform). Work runs in the
C++ library with the GIL released; results are the same bits for any thread count or batch size.
"""
import numpy as _np

from . import _semvec
from ._errors import (CancelledError, CpuUnsupportedError, Error, InternalError, InvalidArgumentError,
                      InvalidDataError, NotFoundError, ResourceLimitError, SemvecIOError, UnsupportedError)
from ._semvec import Index, knn, top_k, write_html

__version__ = _semvec.__version__
__all__ = ["load_model", "Model", "tsne", "umap", "UMAP", "knn", "top_k", "write_html", "Index",
           "quantize_embeddings", "truncate_embeddings", "Error", "InvalidArgumentError", "InvalidDataError",
           "NotFoundError", "SemvecIOError", "UnsupportedError", "ResourceLimitError", "CancelledError",
           "CpuUnsupportedError", "InternalError"]


class Model:
    """A semvec model file, loaded once (weights memory-mapped) and shareable by many threads."""

    def __init__(self, handle):
        self._m = handle

    @property
    def path(self):
        """The model file."""
        return self._m.path

    @property
    def name(self):
        """The name recorded in index files (the converted model folder's name, else the file stem)."""
        return self._m.name

    @property
    def max_seq_length(self):
        """Longest input in tokens, special tokens included."""
        return self._m.max_seq_length

    @property
    def is_transformer(self):
        return self._m.is_transformer

    def get_sentence_embedding_dimension(self):
        """Output vector size."""
        return self._m.dim

    def encode(self, sentences, batch_size=32, normalize_embeddings=None, prompt_name=None, prompt=None,
               show_progress_bar=False, threads=0, max_length=0, chunk=False):
        """Embeds texts: a (N, D) float32 array, or (D,) for a single str (as sentence-transformers).

        batch_size: texts per batch (the result does not depend on it). normalize_embeddings: None keeps the
        model file's setting, True/False overrides it. prompt: text put before every input (e.g. "query: ").
        prompt_name: one of the model file's named prompts. threads: 0 = all cores (same result for any).
        max_length: longest input in tokens (0: the model's). chunk: embed long texts as the mean of windows.
        The GIL is released while the texts are embedded.
        """
        single = isinstance(sentences, (str, bytes))
        out = self._m._encode([sentences] if single else sentences, batch_size=batch_size,
                              normalize_embeddings=normalize_embeddings, prompt_name=prompt_name, prompt=prompt,
                              show_progress_bar=show_progress_bar, threads=threads, max_length=max_length,
                              chunk=chunk)
        return out[0] if single else out

    def tokenize(self, texts):
        """Token ids as the encoder takes them, padded: {'input_ids', 'token_type_ids', 'attention_mask'}."""
        return self._m.tokenize(texts)

    def tokens(self, text):
        """The tokens of one text (no special tokens)."""
        return self._m.tokens(text)

    def __repr__(self):
        return "semvec.Model(%r, dim=%d)" % (self.path, self._m.dim)


def load_model(path, allow_non_finite=False):
    """Opens a semvec model file (.safetensors from scripts/convert.py). Raises on a missing or malformed file."""
    return Model(_semvec._load_model(str(path), allow_non_finite))


def tsne(X, n_components=2, perplexity=30.0, n_iter=1000, early_exaggeration=12.0, learning_rate=0.0,
         metric="euclidean", init="pca", seed=42, threads=0):
    """t-SNE map of X (N, D) → (N, n_components) float32. learning_rate 0 = max(N / early_exaggeration, 200)."""
    return _semvec._tsne(X, n_components, perplexity, n_iter, early_exaggeration, learning_rate, metric, init,
                         seed, threads)


class UMAP:
    """UMAP with umap-learn's parameters and defaults: fit(X), fit_transform(X), transform(X_new), embedding_."""

    def __init__(self, n_neighbors=15, n_components=2, metric="euclidean", n_epochs=None, learning_rate=1.0,
                 init="spectral", min_dist=0.1, spread=1.0, negative_sample_rate=5, repulsion_strength=1.0,
                 random_state=42, threads=0):
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.metric = metric
        self.n_epochs = n_epochs
        self.learning_rate = learning_rate
        self.init = init
        self.min_dist = min_dist
        self.spread = spread
        self.negative_sample_rate = negative_sample_rate
        self.repulsion_strength = repulsion_strength
        self.random_state = random_state
        self.threads = threads
        self._model = None
        self.embedding_ = None

    def fit(self, X, y=None):
        """Fits the map of X (N, D); the result is in embedding_."""
        self._model = _semvec._umap_fit(X, self.n_neighbors, self.min_dist, self.spread, self.n_components,
                                        self.n_epochs or 0, self.init, self.metric, self.learning_rate,
                                        self.negative_sample_rate, self.repulsion_strength,
                                        0 if self.random_state is None else int(self.random_state), self.threads)
        self.embedding_ = self._model.embedding
        return self

    def fit_transform(self, X, y=None):
        return self.fit(X).embedding_

    def transform(self, X, n_epochs=None):
        """Places new points (M, D) on the fitted map → (M, n_components)."""
        if self._model is None:
            raise InvalidArgumentError("UMAP.transform before fit")
        return _semvec._umap_transform(self._model, X, n_epochs or 0,
                                       0 if self.random_state is None else int(self.random_state), self.threads)


def umap(X, n_neighbors=15, n_components=2, min_dist=0.1, metric="euclidean", **kwargs):
    """UMAP map of X (N, D) → (N, n_components) float32 (UMAP(...).fit_transform(X))."""
    return UMAP(n_neighbors=n_neighbors, n_components=n_components, min_dist=min_dist, metric=metric,
                **kwargs).fit_transform(X)


def quantize_embeddings(embeddings, precision, ranges=None, calibration_embeddings=None):
    """Compressed embeddings as sentence-transformers' quantize_embeddings makes them.

    precision "int8": int8 codes with per-dimension ranges (`ranges`, a (2, D) array of minima and maxima, or
    those of `calibration_embeddings`, else of `embeddings`); "ubinary": sign bits packed 8 per byte (uint8,
    numpy.packbits); "binary": the same minus 128 as int8; "float32": unchanged.
    """
    if precision == "float32":
        return _np.asarray(embeddings, dtype=_np.float32)
    if precision == "int8":
        if ranges is None and calibration_embeddings is not None:
            c = _np.asarray(calibration_embeddings, dtype=_np.float32)
            ranges = _np.vstack([c.min(axis=0), c.max(axis=0)])
        return _semvec._quantize_int8(embeddings, ranges)
    if precision in ("binary", "ubinary"):
        bits = _semvec._quantize_binary(embeddings)
        return bits if precision == "ubinary" else (bits.astype(_np.int16) - 128).astype(_np.int8)
    raise InvalidArgumentError("precision must be float32, int8, binary or ubinary, got %r" % (precision,))


def truncate_embeddings(embeddings, dim, normalize=True):
    """Matryoshka truncation: the first `dim` columns of (N, D) embeddings, rows L2-normalized again when
    `normalize` (zero rows stay zero). Compose with quantize_embeddings for truncated int8/binary vectors."""
    return _semvec._truncate_dims(embeddings, dim, normalize)
