"""Save and load skactive models and learners without pickle.

:func:`dump` writes one file, a zip archive, holding

* ``manifest.json``: the format name and version, the skactive version, a SHA-256 checksum of
  every other member, and the object tree: each object's class (by its public name), its
  hyper-parameters and its fitted state, as JSON;
* ``arrays.safetensors``: numeric numpy arrays (labeled samples, fitted coefficients, word
  vectors), in the ``safetensors`` format;
* ``tensors.safetensors``: network weights (torch tensors), in the ``safetensors`` format;
* ``strings/<key>.jsonl``: arrays of strings or of mixed objects (texts, string labels, feature
  names), one JSON value per line.

:func:`load` executes nothing found in the file: no pickle, no ``eval``, no import by name.
Objects are only built from an allow-list of skactive and scikit-learn classes (see
:func:`loadable_classes`), looked up by the names the file gives. A file whose checksums do not
match, or that names anything outside the allow-list, is refused. A network is rebuilt from its
classifier's hyper-parameters and fitted attributes, and its weights are loaded strictly (same
layer names and shapes).

What can be saved: :class:`~skactive.MLPClassifier`, :class:`~skactive.TextCNNClassifier`,
:class:`~skactive.BiLSTMClassifier`, :class:`~skactive.autoencoder.MLPAutoencoder`, the
:class:`~skactive.ActiveLearner` (labeled set as numpy arrays, lists, pandas DataFrames or
Series; its query strategy with its parameters and fitted state; its model), skactive's query
strategies and functions, and scikit-learn Pipelines of the scalers and linear models listed by
:func:`loadable_classes`. Anything else (a custom callback, a ``FunctionTransformer``, a
categorical column) is refused at :func:`dump` time with a message naming it. A classifier's
skorch ``net_`` comes back with its module weights and training history; the optimizer's state
is not saved (``fit`` always trains a new network).
"""

import collections
import hashlib
import io as _io
import json
import os
import uuid
import warnings
import zipfile

import numpy as np
import pandas as pd
import torch
from safetensors.numpy import load as _load_arrays
from safetensors.numpy import save as _save_arrays
from safetensors.torch import load as _load_tensors
from safetensors.torch import save as _save_tensors
from sklearn.base import BaseEstimator

from ._version import __version__
from .exceptions import InconsistentVersionWarning

#: Name written into every manifest.
FORMAT_NAME = "skactive.io"
#: Version of the file layout; a file with another format version is refused.
FORMAT_VERSION = 1

_MANIFEST = "manifest.json"
_ARRAYS = "arrays.safetensors"
_TENSORS = "tensors.safetensors"
_STRINGS = "strings/"
_JSON_SCALARS = (str, int, float, bool, type(None))

_SKLEARN_CLASSES = {
    "sklearn.pipeline.Pipeline": ("sklearn.pipeline", "Pipeline"),
    "sklearn.preprocessing.StandardScaler": ("sklearn.preprocessing", "StandardScaler"),
    "sklearn.preprocessing.MinMaxScaler": ("sklearn.preprocessing", "MinMaxScaler"),
    "sklearn.preprocessing.MaxAbsScaler": ("sklearn.preprocessing", "MaxAbsScaler"),
    "sklearn.preprocessing.RobustScaler": ("sklearn.preprocessing", "RobustScaler"),
    "sklearn.preprocessing.Normalizer": ("sklearn.preprocessing", "Normalizer"),
    "sklearn.preprocessing.OneHotEncoder": ("sklearn.preprocessing", "OneHotEncoder"),
    "sklearn.impute.SimpleImputer": ("sklearn.impute", "SimpleImputer"),
    "sklearn.compose.ColumnTransformer": ("sklearn.compose", "ColumnTransformer"),
    "sklearn.decomposition.PCA": ("sklearn.decomposition", "PCA"),
    "sklearn.linear_model.LogisticRegression": ("sklearn.linear_model", "LogisticRegression"),
}


def loadable_classes():
    """The classes (and functions) that :func:`load` may build, by the name files give them.

    Returns
    -------
    registry : dict
        Public name (``'skactive.MLPClassifier'``, ``'skactive.strategies.EntropySampling'``,
        ``'sklearn.pipeline.Pipeline'``...) to class or function.

    Examples
    --------
    >>> from skactive.io import loadable_classes
    >>> registry = loadable_classes()
    >>> registry["skactive.MLPClassifier"].__name__
    'MLPClassifier'
    >>> "builtins.eval" in registry
    False
    """
    import importlib

    from . import autoencoder, strategies, text
    from .learner import ActiveLearner
    from .mlp import MLPClassifier

    registry = {f"skactive.{cls.__name__}": cls
                for cls in (ActiveLearner, MLPClassifier, text.TextCNNClassifier,
                            text.BiLSTMClassifier)}
    registry["skactive.autoencoder.MLPAutoencoder"] = autoencoder.MLPAutoencoder
    registry["skactive.text.Word2VecEmbedding"] = text.Word2VecEmbedding
    for name in strategies.__all__:
        obj = getattr(strategies, name)
        if (isinstance(obj, type) and issubclass(obj, BaseEstimator)) or (
                callable(obj) and not isinstance(obj, type) and name not in {
                    "get_strategy", "strategy_names", "check_query_size", "top_n"}):
            registry[f"skactive.strategies.{name}"] = obj
    for name, (module, attr) in _SKLEARN_CLASSES.items():
        registry[name] = getattr(importlib.import_module(module), attr)
    for optimizer in (torch.optim.Adam, torch.optim.AdamW, torch.optim.SGD, torch.optim.RMSprop):
        registry[f"torch.optim.{optimizer.__name__}"] = optimizer
    return registry


# ------------------------------------------------------------------------------------ writing
class _Writer:
    def __init__(self):
        self.registry = {id(obj): name for name, obj in loadable_classes().items()}
        self.arrays, self.tensors, self.strings = {}, {}, {}
        self._memo = {}

    def refuse(self, path, what):
        raise TypeError(f"skactive.io.dump cannot save {path}: {what}.")

    def _key(self, prefix, store):
        return f"{prefix}{len(store)}"

    def encode(self, obj, path):
        if isinstance(obj, bool) or obj is None or isinstance(obj, str):
            return obj
        if isinstance(obj, (int, float)) and type(obj) in (int, float):
            return obj
        if isinstance(obj, np.generic):
            return self._scalar(obj, path)
        if isinstance(obj, collections.UserList):  # e.g. scikit-learn 1.5's remainder columns
            obj = list(obj)
        if isinstance(obj, list):
            if obj and all(type(v) is str for v in obj):  # texts: JSON lines
                key = self._key("s", self.strings)
                self.strings[key] = obj
                return {"__type__": "str_list", "key": key}
            return [self.encode(v, f"{path}[{i}]") for i, v in enumerate(obj)]
        if isinstance(obj, tuple):
            return {"__type__": "tuple",
                    "items": [self.encode(v, f"{path}[{i}]") for i, v in enumerate(obj)]}
        if isinstance(obj, dict):
            return {"__type__": "dict",
                    "items": [[self.encode(k, f"{path} key"), self.encode(v, f"{path}[{k!r}]")]
                              for k, v in obj.items()]}
        if isinstance(obj, np.ndarray):
            return self._array(obj, path)
        if isinstance(obj, torch.Tensor):
            return self._tensor(obj)
        if isinstance(obj, pd.DataFrame):
            return self._frame(obj, path)
        if isinstance(obj, pd.Series):
            return {"__type__": "Series", "name": self.encode(obj.name, f"{path}.name"),
                    "index": self._index(obj.index, path),
                    "values": self._column(obj, path)}
        if isinstance(obj, slice):
            return {"__type__": "slice",
                    "args": [self.encode(v, f"{path} bound") for v in
                             (obj.start, obj.stop, obj.step)]}
        if isinstance(obj, np.dtype) or (isinstance(obj, type) and issubclass(obj, np.generic)):
            dtype = np.dtype(obj)
            if dtype.kind not in "biufUSO":
                self.refuse(path, f"the dtype {dtype}")
            return {"__type__": "dtype", "str": dtype.str, "as_type": isinstance(obj, type)}
        if isinstance(obj, np.random.RandomState):
            return {"__type__": "RandomState",
                    "state": self.encode(obj.get_state(), f"{path} state")}
        if id(obj) in self.registry:
            kind = "class" if isinstance(obj, type) else "function"
            return {"__type__": kind, "name": self.registry[id(obj)]}
        if id(type(obj)) in self.registry:
            return self._estimator(obj, path)
        self.refuse(path, f"{type(obj).__module__}.{type(obj).__qualname__} is not one of the "
                          "types it saves (see skactive.io.loadable_classes())")

    def _scalar(self, value, path):
        if value.dtype.kind not in "biufUS":
            self.refuse(path, f"a numpy scalar of dtype {value.dtype}")
        return {"__type__": "scalar", "dtype": value.dtype.str, "value": value.item()}

    def _array(self, arr, path):
        if id(arr) in self._memo:  # one copy of an array held twice (e.g. word vectors)
            return self._memo[id(arr)][1]
        if arr.dtype.kind in "biuf":
            key = self._key("a", self.arrays)
            self.arrays[key] = np.ascontiguousarray(arr)
            node = {"__type__": "ndarray", "key": key}
        elif arr.dtype.kind in "USO":
            values = arr.ravel().tolist()
            for v in values:
                if not isinstance(v, _JSON_SCALARS):
                    self.refuse(path, f"an array holding a {type(v).__name__} "
                                      "(only numbers, strings, booleans and None are saved)")
            key = self._key("s", self.strings)
            self.strings[key] = values
            node = {"__type__": "ndarray_json", "key": key, "dtype": arr.dtype.str,
                    "shape": list(arr.shape)}
        else:
            self.refuse(path, f"an array of dtype {arr.dtype}")
        self._memo[id(arr)] = (arr, node)  # holding arr keeps its id from being reused
        return node

    def _tensor(self, tensor):
        key = self._key("t", self.tensors)
        self.tensors[key] = tensor.detach().to("cpu", copy=True).contiguous()
        return {"__type__": "tensor", "key": key}

    def _column(self, column, path):
        dtype = column.dtype
        if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
            return {"dtype": dtype.str, "data": self._array(column.to_numpy(), path)}
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            values = column.to_numpy(dtype=object)
            return {"dtype": "object", "data": self._array(values, path)}
        self.refuse(path, f"a pandas column of dtype {dtype}; convert it to numbers or strings")

    def _index(self, index, path):
        if isinstance(index, pd.RangeIndex):
            return {"range": [index.start, index.stop, index.step]}
        return {"values": self._array(index.to_numpy(), f"{path}.index")}

    def _frame(self, frame, path):
        return {"__type__": "DataFrame",
                "columns": self._array(np.asarray(frame.columns, dtype=object), f"{path}.columns"),
                "index": self._index(frame.index, path),
                "data": [self._column(frame.iloc[:, i], f"{path}[{c!r}]")
                         for i, c in enumerate(frame.columns)]}

    def _estimator(self, est, path):
        params = est.get_params(deep=False)
        name = self.registry[id(type(est))]
        node = {"__type__": "object", "class": name,
                "params": {k: self.encode(v, f"{path}.{k}") for k, v in params.items()},
                "state": {}}
        for attr, value in vars(est).items():
            if attr in params:
                continue
            if attr == "net_":
                node["net"] = self._net(value, f"{path}.net_")
            else:
                node["state"][attr] = self.encode(value, f"{path}.{attr}")
        return node

    def _net(self, net, path):
        weights = {k: self._tensor(v)["key"] for k, v in net.module_.state_dict().items()}
        history = json.loads(json.dumps(net.history.to_list(), default=_json_default))
        return {"weights": weights, "history": history}


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} in a training history")


def dump(obj, path):
    """Save a skactive classifier, autoencoder, strategy or ActiveLearner to one file.

    Parameters
    ----------
    obj : object
        A skactive classifier (fitted or not), an :class:`~skactive.ActiveLearner` (mid-loop:
        labeled set, strategy and model), a query strategy, or a scikit-learn Pipeline of the
        classes listed by :func:`loadable_classes`.
    path : str or path-like
        The file to write (by convention ``*.skactive``). It is written to a temporary file
        first and renamed, so an interrupted dump never leaves a half-written file.

    Raises
    ------
    TypeError
        ``obj`` holds something this format does not save (named in the message).

    See Also
    --------
    load : Read the file back.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from skactive import MLPClassifier
    >>> from skactive.io import dump, load
    >>> X, y = np.random.RandomState(0).rand(20, 3), [0, 1] * 10
    >>> clf = MLPClassifier(max_epochs=3, random_state=0).fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.skactive")
    >>> dump(clf, path)
    >>> bool((load(path).predict_proba(X) == clf.predict_proba(X)).all())
    True
    """
    writer = _Writer()
    root = writer.encode(obj, type(obj).__name__)
    members = {}
    if writer.arrays:
        members[_ARRAYS] = _save_arrays(writer.arrays)
    if writer.tensors:
        members[_TENSORS] = _save_tensors(writer.tensors)
    for key, values in writer.strings.items():
        members[f"{_STRINGS}{key}.jsonl"] = "".join(
            json.dumps(v, ensure_ascii=False) + "\n" for v in values).encode("utf-8")
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "skactive_version": __version__,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
        "root": root,
    }
    path = os.fspath(path)
    # a temporary file beside the target, renamed over it once complete ("x": never clobbers)
    tmp = f"{path}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"
    try:
        with open(tmp, "xb") as handle, zipfile.ZipFile(handle, "w") as archive:
            archive.writestr(_MANIFEST, json.dumps(manifest, indent=1),
                             compress_type=zipfile.ZIP_DEFLATED)
            for name, data in members.items():
                archive.writestr(name, data, compress_type=zipfile.ZIP_STORED
                                 if name.endswith(".safetensors") else zipfile.ZIP_DEFLATED)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# ------------------------------------------------------------------------------------ reading
class _Reader:
    def __init__(self, path, arrays, tensors, strings):
        self.path = path
        self.registry = loadable_classes()
        self.arrays, self.tensors, self.strings = arrays, tensors, strings

    def damaged(self, what):
        return ValueError(f"{self.path} is damaged or was not written by skactive.io.dump: "
                          f"{what}.")

    def lookup(self, store, key, what):
        try:
            return store[key]
        except (KeyError, TypeError):
            raise self.damaged(f"the {what} {key!r} is missing") from None

    def decode(self, node):
        if isinstance(node, _JSON_SCALARS):
            return node
        if isinstance(node, list):
            return [self.decode(v) for v in node]
        if not isinstance(node, dict) or "__type__" not in node:
            raise self.damaged(f"unexpected entry {str(node)[:80]!r}")
        kind = node["__type__"]
        decoder = getattr(self, f"_decode_{kind}", None) if isinstance(kind, str) else None
        if decoder is None:
            raise self.damaged(f"unknown entry type {kind!r}")
        try:
            return decoder(node)
        except (KeyError, TypeError, IndexError) as exc:
            raise self.damaged(f"a malformed {kind!r} entry ({exc})") from None

    def _decode_slice(self, node):
        start, stop, step = (self.decode(v) for v in node["args"])
        if not all(v is None or isinstance(v, int) for v in (start, stop, step)):
            raise self.damaged("a slice with bounds that are not integers")
        return slice(start, stop, step)

    def _decode_dtype(self, node):
        dtype = np.dtype(str(node["str"]))
        if dtype.kind not in "biufUSO":
            raise self.damaged(f"the dtype {dtype}")
        return dtype.type if node["as_type"] else dtype

    def _decode_tuple(self, node):
        return tuple(self.decode(v) for v in node["items"])

    def _decode_dict(self, node):
        return {self.decode(k): self.decode(v) for k, v in node["items"]}

    def _decode_scalar(self, node):
        dtype = np.dtype(node["dtype"])
        if dtype.kind not in "biufUS":
            raise self.damaged(f"a scalar of dtype {dtype}")
        return dtype.type(node["value"])

    def _decode_ndarray(self, node):
        return self.lookup(self.arrays, node["key"], "array").copy()

    def _decode_ndarray_json(self, node):
        values = self.lookup(self.strings, node["key"], "string array")
        dtype = np.dtype(node["dtype"])
        if dtype.kind not in "USO":
            raise self.damaged(f"a string array of dtype {dtype}")
        arr = np.empty(len(values), dtype=dtype)
        arr[:] = values
        return arr.reshape(node["shape"])

    def _decode_str_list(self, node):
        values = self.lookup(self.strings, node["key"], "text list")
        if not all(isinstance(v, str) for v in values):
            raise self.damaged("a text list holding something other than strings")
        return list(values)

    def _decode_tensor(self, node):
        return self.lookup(self.tensors, node["key"], "tensor")

    def _decode_RandomState(self, node):
        rng = np.random.RandomState()
        rng.set_state(self.decode(node["state"]))
        return rng

    def _decode_class(self, node):
        return self._registered(node["name"])

    _decode_function = _decode_class

    def _registered(self, name):
        try:
            return self.registry[name]
        except (KeyError, TypeError):
            raise ValueError(
                f"{self.path} names {name!r}, which skactive.io does not load (it builds only "
                "the classes of skactive.io.loadable_classes()); the file was not written by "
                "this version of skactive.io.dump, or was modified.") from None

    def _index(self, node):
        if "range" in node:
            return pd.RangeIndex(*node["range"])
        return pd.Index(self.decode(node["values"]))

    def _values(self, node):
        values = self.decode(node["data"])
        if node["dtype"] == "object":
            return values.astype(object)
        return values.astype(np.dtype(node["dtype"]), copy=False)

    def _decode_DataFrame(self, node):
        columns = list(self.decode(node["columns"]))
        data = {i: self._values(col) for i, col in enumerate(node["data"])}
        frame = pd.DataFrame(data, index=self._index(node["index"]))
        frame.columns = columns
        return frame

    def _decode_Series(self, node):
        return pd.Series(self._values(node["values"]), index=self._index(node["index"]),
                         name=self.decode(node["name"]))

    def _decode_object(self, node):
        cls = self._registered(node["class"])
        if not isinstance(cls, type):
            raise self.damaged(f"{node['class']!r} is not a class")
        params = {k: self.decode(v) for k, v in node["params"].items()}
        try:
            obj = cls(**params)
        except TypeError as exc:
            raise self.damaged(f"parameters that {cls.__name__} does not take ({exc})") from None
        vars(obj).update({k: self.decode(v) for k, v in node["state"].items()})
        if "net" in node:
            obj.net_ = self._net(obj, node["net"])
        return obj

    def _net(self, owner, node):
        from skorch.history import History

        from .autoencoder import MLPAutoencoder
        from .nets import AutoencoderModule
        from .base import BaseNeuralClassifier

        weights = {k: self.lookup(self.tensors, key, "tensor") for k, key in
                   node["weights"].items()}
        with torch.random.fork_rng():  # rebuilding draws initial weights: leave the RNG alone
            if isinstance(owner, BaseNeuralClassifier):
                n_classes = len(owner.classes_)
                module = owner._build_module(
                    np.empty((0, getattr(owner, "n_features_in_", 0)), dtype=np.float32),
                    n_classes)
                net = owner._make_net(module, n_classes, owner.batch_size, 0)
            elif isinstance(owner, MLPAutoencoder):
                from ._training import InterruptibleNet

                sizes, _ = owner._check_params(owner.n_features_in_)
                module = AutoencoderModule(owner.n_features_in_, owner.latent_dim_, sizes)
                net = InterruptibleNet(module, criterion=torch.nn.MSELoss, device=owner.device)
            else:
                raise self.damaged(f"a network attached to {type(owner).__name__}")
            net.initialize()
        try:
            net.module_.load_state_dict(weights, strict=True)
        except RuntimeError as exc:
            raise self.damaged(f"the network weights do not fit {type(owner).__name__}'s "
                               f"network ({str(exc).splitlines()[0]})") from None
        net.module_.eval()
        net.history = History(node["history"])
        return net


def load(path):
    """Load an object saved by :func:`dump`.

    Nothing in the file is executed: objects are built only from the classes listed by
    :func:`loadable_classes`, parameters and attributes come from JSON, arrays and weights from
    ``safetensors``.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    obj : object
        The saved object, with the same predictions (and, for a learner with a seeded strategy,
        the same next query) as when it was saved.

    Raises
    ------
    ValueError
        The file is not a skactive.io file, is damaged or modified (a checksum differs), names
        a class outside the allow-list, or has another format version.

    Warns
    -----
    skactive.exceptions.InconsistentVersionWarning
        The file was written by another skactive version.

    Examples
    --------
    >>> import os, tempfile
    >>> from skactive.strategies import EntropySampling
    >>> from skactive.io import dump, load
    >>> path = os.path.join(tempfile.mkdtemp(), "strategy.skactive")
    >>> dump(EntropySampling(), path)
    >>> load(path)
    EntropySampling()
    """
    path = os.fspath(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise ValueError(f"{path} is not a file written by skactive.io.dump (not a zip "
                         f"archive: {exc}).") from None
    with archive:
        try:
            manifest = json.loads(archive.read(_MANIFEST).decode("utf-8"))
        except KeyError:
            raise ValueError(f"{path} is not a file written by skactive.io.dump (no "
                             f"{_MANIFEST}).") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path} is damaged: its {_MANIFEST} is not valid JSON "
                             f"({exc}).") from None
        _check_manifest(manifest, path)
        members = {}
        for name, digest in manifest["files"].items():
            try:
                data = archive.read(name)
            except KeyError:
                raise ValueError(f"{path} is damaged: {name} is missing.") from None
            if hashlib.sha256(data).hexdigest() != digest:
                raise ValueError(f"{path} is damaged or was modified: {name} does not match the "
                                 "checksum in its manifest.")
            members[name] = data
    try:
        arrays = _load_arrays(members[_ARRAYS]) if _ARRAYS in members else {}
        tensors = _load_tensors(members[_TENSORS]) if _TENSORS in members else {}
        strings = {name[len(_STRINGS):-len(".jsonl")]:
                   [json.loads(line) for line in _io.StringIO(data.decode("utf-8"))]
                   for name, data in members.items() if name.startswith(_STRINGS)}
    except Exception as exc:  # safetensors and json raise their own types
        raise ValueError(f"{path} is damaged: {exc}") from None
    return _Reader(path, arrays, tensors, strings).decode(manifest["root"])


def _check_manifest(manifest, path):
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ValueError(f"{path} is not a file written by skactive.io.dump (its manifest does "
                         f"not name the {FORMAT_NAME!r} format).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ValueError(
            f"{path} has skactive.io format version {manifest.get('format_version')!r} (written "
            f"by skactive {manifest.get('skactive_version')}); this skactive {__version__} reads "
            f"format version {FORMAT_VERSION}. Load it with the skactive version that wrote it.")
    if not isinstance(manifest.get("files"), dict) or "root" not in manifest:
        raise ValueError(f"{path} is damaged: its manifest lacks 'files' or 'root'.")
    saved = manifest.get("skactive_version")
    if saved != __version__:
        root = manifest["root"]
        name = root.get("class", "object") if isinstance(root, dict) else "object"
        warnings.warn(InconsistentVersionWarning(
            estimator_name=str(name).rsplit(".", 1)[-1], current_version=__version__,
            original_version=saved), stacklevel=3)


__all__ = ["dump", "load", "loadable_classes"]
