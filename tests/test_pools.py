"""Pools on disk: open_pool's memory-mapped .npy arrays and ParquetPool's row-group reads."""

import numpy as np
import pandas as pd
import pytest

from skactive.datasets import ParquetPool, is_pool_file, open_pool

pytest.importorskip("pyarrow", reason="Parquet pools need pyarrow (the 'parquet' extra)")


def _frame(n=1000, d=5, seed=0):
    rng = np.random.RandomState(seed)
    frame = pd.DataFrame(rng.normal(size=(n, d)).astype(np.float32),
                         columns=[f"f{j}" for j in range(d)])
    frame["count"] = rng.randint(0, 100, size=n)  # an integer column
    frame["flag"] = rng.rand(n) < 0.5  # a boolean column
    return frame


@pytest.fixture
def parquet(tmp_path):
    frame = _frame()
    path = tmp_path / "pool.parquet"
    frame.to_parquet(path, row_group_size=137)  # row groups not aligned with anything
    return path


def _reference(path, columns=None):
    return pd.read_parquet(path, columns=columns).to_numpy(dtype=np.float32)


def test_shape_and_names_come_from_the_metadata(parquet):
    pool = open_pool(parquet)
    assert isinstance(pool, ParquetPool)
    assert pool.shape == (1000, 7) and len(pool) == 1000
    assert pool.columns == pool.feature_names == ["f0", "f1", "f2", "f3", "f4", "count", "flag"]
    assert pool.n_row_groups == 8  # ceil(1000 / 137)
    assert pool.row_group_offsets.tolist() == [0, 137, 274, 411, 548, 685, 822, 959, 1000]


def test_full_slice_equals_pandas(parquet):
    rows = open_pool(parquet)[:]
    assert rows.dtype == np.float32
    np.testing.assert_array_equal(rows, _reference(parquet))


@pytest.mark.parametrize("seed", range(5))
def test_random_indices_across_row_groups_equal_pandas(parquet, seed):
    reference = _reference(parquet, ["f3", "count", "f0"])
    pool = open_pool(parquet, columns=["f3", "count", "f0"])
    rng = np.random.RandomState(seed)
    index = rng.randint(-1000, 1000, size=rng.randint(1, 300))  # repeats, negatives, any order
    np.testing.assert_array_equal(pool[index], reference[index])
    np.testing.assert_array_equal(pool[list(index)], reference[index])


@pytest.mark.parametrize("key", [slice(100, 300), slice(0, 1), slice(950, None),
                                 slice(None, None, 7), slice(500, 100), slice(-20, -3)])
def test_slices_equal_pandas(parquet, key):
    np.testing.assert_array_equal(open_pool(parquet)[key], _reference(parquet)[key])


def test_scalar_mask_and_empty_indices(parquet):
    reference, pool = _reference(parquet), open_pool(parquet)
    np.testing.assert_array_equal(pool[140], reference[140])
    np.testing.assert_array_equal(pool[np.int64(-1)], reference[-1])
    mask = np.arange(1000) % 3 == 0
    np.testing.assert_array_equal(pool[mask], reference[mask])
    assert pool[[]].shape == (0, 7)


def test_tuple_keys_index_as_numpy(parquet):
    reference, pool = _reference(parquet), open_pool(parquet)
    for key in [([3, 500], Ellipsis), ([3, 500], slice(None)), (slice(10, 20), 2),
                (7, slice(1, 3)), (np.array([999, 0]), [0, 6]), (Ellipsis, 1),
                ([[1, 2], [2, -1]], 0), (np.arange(1000) % 5 == 0, slice(2, 4))]:
        np.testing.assert_array_equal(pool[key], reference[key])


def test_sklearn_row_indexing_reads_the_rows(parquet):
    from sklearn.utils import _safe_indexing

    reference = _reference(parquet)
    np.testing.assert_array_equal(_safe_indexing(open_pool(parquet), np.array([5, 800]), axis=0),
                                  reference[[5, 800]])


@pytest.mark.parametrize("key", [1000, -1001, [0, 1000]])
def test_out_of_range_index_is_refused(parquet, key):
    with pytest.raises(IndexError, match="out of range"):
        open_pool(parquet)[key]


def test_reads_only_the_row_groups_holding_the_rows(parquet, monkeypatch):
    pool = open_pool(parquet)
    read = []
    original = pool._file.read_row_groups
    monkeypatch.setattr(pool._file, "read_row_groups",
                        lambda groups, **kw: read.extend(groups) or original(groups, **kw))
    pool[[5, 300, 6, 999]]
    assert sorted(read) == [0, 2, 7]  # each group once
    read.clear()
    pool[140:280]
    assert read == [1, 2]


@pytest.mark.parametrize("chunk_rows", [1, 50, 137, 200, 999, 1000, 5000])
def test_iter_chunks_are_exact_and_contiguous(parquet, chunk_rows):
    reference = _reference(parquet)
    chunks = list(open_pool(parquet).iter_chunks(chunk_rows))
    starts = [start for start, _, _ in chunks]
    assert starts == list(range(0, 1000, chunk_rows))
    for start, stop, rows in chunks:
        assert rows.dtype == np.float32
        assert stop - start == len(rows) == min(chunk_rows, 1000 - start)
        np.testing.assert_array_equal(rows, reference[start:stop])


def _stream_peak_bytes(path, chunk_rows):
    """Most bytes pyarrow holds while the pool is streamed, and the column sums read."""
    import pyarrow as pa

    before, most, total = pa.total_allocated_bytes(), 0, 0.0
    for _, _, rows in open_pool(path).iter_chunks(chunk_rows):
        most = max(most, pa.total_allocated_bytes() - before)
        total += rows.sum(axis=0, dtype=np.float64)
    return most, total


def test_streaming_holds_row_groups_not_the_file(tmp_path):
    # the same row groups, a file 4 times as long: what a stream holds must not grow with it
    peaks = []
    for n in (100_000, 400_000):
        X = np.random.RandomState(1).normal(size=(n, 4)).astype(np.float32)
        path = tmp_path / f"pool{n}.parquet"
        pd.DataFrame(X, columns=list("abcd")).to_parquet(path, row_group_size=25_000)
        most, total = _stream_peak_bytes(path, 30_000)
        np.testing.assert_allclose(total, X.sum(axis=0, dtype=np.float64), rtol=1e-9)
        peaks.append(most)
    assert peaks[1] < 1.5 * peaks[0]  # reading the whole file ahead would hold 4x as much


def test_array_conversion_is_refused_with_how_to_stream(parquet):
    with pytest.raises(TypeError, match=r"iter_chunks.*pool\[indices\].*pool\[:\]"):
        np.asarray(open_pool(parquet))


def test_a_string_column_is_refused_by_name(tmp_path):
    frame = _frame(50)
    frame["city"] = "Oslo"
    path = tmp_path / "strings.parquet"
    frame.to_parquet(path)
    with pytest.raises(ValueError, match=r"city \(text\).*not numeric.*columns=\[\.\.\.\]"):
        open_pool(path)
    # choosing the numeric columns works, and frame() still shows the string column
    pool = open_pool(path, columns=["f0", "f1"])
    assert pool.shape == (50, 2)
    assert pool.frame([3, 0])["city"].tolist() == ["Oslo", "Oslo"]
    np.testing.assert_array_equal(pool.frame([3, 0])["f1"].to_numpy(),
                                  frame["f1"].to_numpy()[[3, 0]])


def test_missing_values_are_refused_by_name(tmp_path):
    frame = _frame(50)
    frame.loc[[4, 9], "f2"] = np.nan
    path = tmp_path / "missing.parquet"
    frame.to_parquet(path)
    with pytest.raises(ValueError, match=r"f2 \(2 missing\).*columns=\[\.\.\.\]"):
        open_pool(path)
    assert open_pool(path, columns=["f0", "f1"]).shape == (50, 2)


def test_missing_values_without_statistics_are_refused_when_read(tmp_path):
    frame = _frame(50)
    frame.loc[30, "f2"] = np.nan
    path = tmp_path / "nostats.parquet"
    frame.to_parquet(path, write_statistics=False, row_group_size=20)
    pool = open_pool(path)  # nothing tells yet
    np.testing.assert_array_equal(pool[:20], _reference(path)[:20])
    with pytest.raises(ValueError, match=r"f2 \(1 missing\)"):
        pool[[30]]
    with pytest.raises(ValueError, match=r"f2 \(1 missing\)"):
        list(pool.iter_chunks(16))


def test_unknown_and_repeated_columns(parquet):
    with pytest.raises(ValueError, match=r"no column\(s\) \['nope'\].*its columns are"):
        open_pool(parquet, columns=["f0", "nope"])
    with pytest.raises(ValueError, match="more than once"):
        open_pool(parquet, columns=["f0", "f0"])


def test_npy_is_a_read_only_memory_map_not_a_copy(tmp_path):
    X = np.random.RandomState(0).normal(size=(200, 4)).astype(np.float32)
    path = tmp_path / "pool.npy"
    np.save(path, X)
    pool = open_pool(path)
    assert isinstance(pool, np.memmap)
    assert not pool.flags.writeable
    np.testing.assert_array_equal(pool, X)
    assert np.shares_memory(pool[10:20], pool)  # a slice is a view of the map


@pytest.mark.parametrize("array, message", [
    (np.zeros(5), r"shape \(5,\).*2-D"),
    (np.zeros((2, 3, 4)), r"shape \(2, 3, 4\).*2-D"),
    (np.array([["a", "b"]]), "numbers only"),
    (np.zeros((2, 2), dtype=complex), "complex"),
])
def test_npy_that_is_no_numeric_matrix_is_refused(tmp_path, array, message):
    path = tmp_path / "bad.npy"
    np.save(path, array)
    with pytest.raises(ValueError, match=message):
        open_pool(path)


def test_npy_of_objects_is_refused(tmp_path):
    path = tmp_path / "objects.npy"
    np.save(path, np.array([[1, "a"]], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="cannot be memory-mapped"):
        open_pool(path)


def test_other_files_and_options(tmp_path):
    csv = tmp_path / "pool.csv"
    csv.write_text("a\n1\n")
    with pytest.raises(ValueError, match=r"\.npy array or a Parquet file"):
        open_pool(csv)
    with pytest.raises(FileNotFoundError):
        open_pool(tmp_path / "absent.parquet")
    npy = tmp_path / "pool.npy"
    np.save(npy, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="columns= goes with a Parquet pool"):
        open_pool(npy, columns=["a"])
    bad = tmp_path / "broken.parquet"
    bad.write_bytes(b"not parquet at all")
    with pytest.raises(ValueError, match="not a readable Parquet file"):
        open_pool(bad)
    assert [is_pool_file(p) for p in ("a.PARQUET", "b.pq", "c.npy", "d.npz", "e.csv")] == [
        True, True, True, False, False]


# ----------------------------------------------------------------------------- PoolView
def _view_sources(tmp_path, kind):
    frame = _frame(n=500, d=4, seed=1)[["f0", "f1", "f2", "f3"]]
    if kind == "npy":
        np.save(tmp_path / "pool.npy", frame.to_numpy())
        return open_pool(tmp_path / "pool.npy"), frame
    frame.to_parquet(tmp_path / "pool.parquet", row_group_size=61)
    return open_pool(tmp_path / "pool.parquet"), frame


@pytest.mark.parametrize("kind", ["npy", "parquet"])
@pytest.mark.parametrize("chunk_rows", [1, 7, 61, 100, 499, 1000])
def test_pool_view_streams_named_frames_of_the_chosen_rows(tmp_path, kind, chunk_rows):
    from skactive.datasets import PoolView

    pool, frame = _view_sources(tmp_path, kind)
    rows = np.flatnonzero(np.random.RandomState(chunk_rows).rand(500) < 0.6)
    expected = frame.iloc[rows].astype(np.float64).reset_index(drop=True)
    for view, want in ((PoolView(pool, frame.columns, rows=rows), expected),
                       (PoolView(pool, frame.columns), frame.astype(np.float64))):
        chunks = list(view.iter_chunks(chunk_rows))
        # every chunk but the last exactly chunk_rows rows, contiguous, named float64 frames
        sizes = [stop - start for start, stop, _ in chunks]
        assert sizes[:-1] == [chunk_rows] * (len(sizes) - 1) and 0 < sizes[-1] <= chunk_rows
        assert [c[0] for c in chunks] == [sum(sizes[:i]) for i in range(len(sizes))]
        got = pd.concat([c[2] for c in chunks], ignore_index=True)
        pd.testing.assert_frame_equal(got, want.reset_index(drop=True), check_exact=True)
        assert len(view) == len(want) and view.shape == (len(want), 4)
        picked = [len(want) - 1, 0, 5]
        pd.testing.assert_frame_equal(view[picked], want.iloc[picked].reset_index(drop=True),
                                      check_exact=True)
        pd.testing.assert_frame_equal(view[:], want.reset_index(drop=True), check_exact=True)
    assert PoolView(pool, frame.columns, rows=rows).pool_rows([0, 2]).tolist() == \
        rows[[0, 2]].tolist()


def test_pool_view_refuses_a_whole_copy_and_values_that_are_not_finite(tmp_path):
    from skactive.datasets import PoolView

    X = np.zeros((50, 3), dtype=np.float32)
    X[31, 2] = np.nan
    np.save(tmp_path / "pool.npy", X)
    pool = open_pool(tmp_path / "pool.npy")
    view = PoolView(pool, ["a", "b", "c"], rows=np.arange(10, 50))
    with pytest.raises(TypeError, match="view.iter_chunks"):
        np.asarray(view)
    # the message names the file's row (not the view's) and the column
    with pytest.raises(ValueError, match=r"pool.npy holds nan in row 31 \(0-based\), "
                                         r"column 'c'"):
        list(view.iter_chunks(8))
    with pytest.raises(ValueError, match="row 31"):
        view[[21]]
    assert view[[20, 22]].shape == (2, 3)  # the rows around it read as well
    with pytest.raises(ValueError, match="3 columns but 2 names"):
        PoolView(pool, ["a", "b"])
    with pytest.raises(ValueError, match="increasing positions between 0 and 49"):
        PoolView(pool, ["a", "b", "c"], rows=[3, 2])
    with pytest.raises(IndexError, match="between -40 and 39"):
        view[[40]]
