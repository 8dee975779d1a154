"""segcast.TimeSeriesKMeans against an independent numpy reference of tslearn's algorithm, on the
UCR sets of ../shared/data/ucr, and thread determinism."""
import gzip

import numpy as np
import pytest

import segcast
from conftest import SAMPLE, SEED, ucr_dir


def read_ts(path):
    """A sktime .ts(.gz) file -> (n, T, d) array with NaN padding, written here independently of
    segcast's reader."""
    cases, in_data = [], False
    with gzip.open(path, "rt") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.lower().startswith("@data"):
                in_data = True
                continue
            if not in_data:
                continue
            fields = line.split(":")[:-1]  # the class label is last
            cases.append(np.array([[float(v) for v in dim.split(",")] for dim in fields]).T)
    length = max(len(case) for case in cases)
    out = np.full((len(cases), length, cases[0].shape[1]), np.nan)
    for number, case in enumerate(cases):
        out[number, : len(case)] = case
    return out


def unpad(series):
    return series[~np.isnan(series[:, 0])]


def dtw(x, y):
    """tslearn's dtw: sqrt of the least sum of squared Euclidean point distances over warping paths,
    no band. Anti-diagonal sweep so each step is one numpy operation."""
    n, m = len(x), len(y)
    cost = ((x[:, None, :] - y[None, :, :]) ** 2).sum(axis=2)
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    for diagonal in range(2, n + m + 1):
        i = np.arange(max(1, diagonal - m), min(n, diagonal - 1) + 1)
        j = diagonal - i
        acc[i, j] = cost[i - 1, j - 1] + np.minimum(np.minimum(acc[i - 1, j - 1], acc[i - 1, j]), acc[i, j - 1])
    return np.sqrt(acc[n, m])


def nearest(X, centroids, distance):
    d = np.array([[distance(unpad(x), unpad(c)) for c in centroids] for x in X])
    return d.argmin(axis=1), d.min(axis=1)


def euclidean(x, y):
    return np.sqrt(((x - y) ** 2).sum())


def lloyd_reference(X, init, max_iter=50, tol=1e-6):
    """tslearn's _fit_one_init for the Euclidean metric, in numpy: assign (inertia = mean squared
    distance), update centroids by the mean, stop on |previous - inertia| < tol; then labels from
    one more assignment, inertia from the last iteration's."""
    centroids, previous = init.copy(), np.inf
    for iteration in range(1, max_iter + 1):
        labels, distances = nearest(X, centroids, euclidean)
        inertia = (distances ** 2).mean()
        centroids = np.stack([X[labels == c].mean(axis=0) for c in range(len(centroids))])
        if abs(previous - inertia) < tol:
            break
        previous = inertia
    labels, _ = nearest(X, centroids, euclidean)
    return labels, inertia, centroids, iteration


@pytest.fixture(scope="module")
def gunpoint():
    return read_ts(ucr_dir() / "GunPoint_TRAIN.ts.gz")


@pytest.fixture(scope="module")
def basic_motions():
    return read_ts(ucr_dir() / "BasicMotions_TRAIN.ts.gz")


@pytest.mark.parametrize("dataset", ["gunpoint", "basic_motions"])
def test_euclidean_equals_the_numpy_reference(dataset, request):
    X = request.getfixturevalue(dataset)
    init = X[[0, 7, 21]]
    labels, inertia, centroids, iterations = lloyd_reference(X, init)
    model = segcast.TimeSeriesKMeans(n_clusters=3, metric="euclidean", init=init).fit(X)
    np.testing.assert_array_equal(model.labels_, labels)
    assert model.inertia_ == pytest.approx(inertia, rel=1e-10)
    assert model.n_iter_ == iterations
    np.testing.assert_allclose(model.cluster_centers_, centroids, rtol=1e-9, atol=1e-12)
    assert model.cluster_centers_.shape == (3,) + X.shape[1:]


@pytest.mark.parametrize("dataset", ["gunpoint", "basic_motions"])
def test_dtw_first_assignment_and_final_labels_equal_the_numpy_reference(dataset, request):
    X = request.getfixturevalue(dataset)[:30]
    init = X[[0, 11, 23]]
    # one iteration: inertia_ is the assignment to the given centroids
    _, distances = nearest(X, init, dtw)
    one = segcast.TimeSeriesKMeans(n_clusters=3, metric="dtw", init=init, max_iter=1).fit(X)
    assert one.inertia_ == pytest.approx((distances ** 2).mean(), rel=1e-10)
    assert one.n_iter_ == 1
    # a full fit: labels_ are the nearest final centroid of every series under DTW
    model = segcast.TimeSeriesKMeans(n_clusters=3, metric="dtw", init=init, max_iter=10).fit(X)
    labels, distances = nearest(X, model.cluster_centers_, dtw)
    np.testing.assert_array_equal(model.labels_, labels)
    np.testing.assert_array_equal(model.predict(X), labels)
    np.testing.assert_allclose(model.distances_, distances, rtol=1e-9)
    assert model.inertia_history_[0] == pytest.approx(one.inertia_, rel=1e-12)


def test_variable_length_series_with_nan_padding(gunpoint):
    X = gunpoint[:20].copy()
    for number in range(0, 20, 3):
        X[number, 150 - 10 * (number % 5 + 1):] = np.nan  # shorter series, tslearn's padding
    init = X[[1, 2]]
    _, distances = nearest(X, init, dtw)
    model = segcast.TimeSeriesKMeans(n_clusters=2, metric="dtw", init=init, max_iter=1).fit(X)
    assert model.inertia_ == pytest.approx((distances ** 2).mean(), rel=1e-10)
    labels, _ = nearest(X, model.cluster_centers_, dtw)
    np.testing.assert_array_equal(model.predict(X), labels)
    with pytest.raises(segcast.InvalidArgument):
        segcast.TimeSeriesKMeans(n_clusters=2, metric="euclidean").fit(X)


def test_nan_inside_a_series_is_refused():
    X = np.ones((4, 5, 1))
    X[2, 1, 0] = np.nan
    with pytest.raises(segcast.InvalidArgument) as caught:
        segcast.TimeSeriesKMeans(n_clusters=2, metric="dtw").fit(X)
    assert caught.value.field == "X"


def test_sklearn_protocol_and_fit_predict(gunpoint):
    model = segcast.TimeSeriesKMeans(n_clusters=2, metric="dtw", random_state=3, max_iter=5)
    assert model.get_params()["n_clusters"] == 2
    assert model.set_params(n_clusters=3) is model
    labels = model.fit_predict(gunpoint[:, :, 0])  # (n, T) is read as d = 1
    np.testing.assert_array_equal(labels, model.labels_)
    assert set(labels) == {0, 1, 2}


def test_threads_do_not_change_results(gunpoint):
    fits = [segcast.TimeSeriesKMeans(n_clusters=3, metric="dtw", random_state=SEED, n_init=2, max_iter=10,
                                     n_jobs=threads).fit(gunpoint) for threads in (1, 2)]
    np.testing.assert_array_equal(fits[0].labels_, fits[1].labels_)
    np.testing.assert_array_equal(fits[0].cluster_centers_, fits[1].cluster_centers_)
    assert fits[0].inertia_ == fits[1].inertia_


def test_segment_threads_do_not_change_results():
    log = segcast.load(SAMPLE, threads=1)
    one = segcast.segment(log, k=3, seed=SEED, threads=1)
    two = segcast.segment(log, k=3, seed=SEED, threads=2)
    assert (one["labels"] == two["labels"]).all()
    np.testing.assert_array_equal(one["centroids"], two["centroids"])
    assert one["inertia"] == two["inertia"]
    assert one["labels"].nunique() == 3


def test_the_gil_is_released_during_a_fit(gunpoint):
    import threading
    import time
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    thread = threading.Thread(target=tick)
    thread.start()
    start = time.perf_counter()
    segcast.TimeSeriesKMeans(n_clusters=3, metric="dtw", random_state=0, max_iter=20, n_jobs=1).fit(gunpoint)
    elapsed = time.perf_counter() - start
    stop.set()
    thread.join()
    during = [t for t in ticks if start <= t <= start + elapsed]
    if elapsed > 0.05:
        assert len(during) > 5  # Python ran while the fit worked


def test_estimator_equals_the_cli_segment_command(gunpoint, tmp_path):
    from conftest import run_cli
    path = ucr_dir() / "GunPoint_TRAIN.ts.gz"
    run_cli("segment", "--series", path, "-o", tmp_path, "-k", "3", "--metric", "dtw", "--seed", SEED,
            "--max-iter", "10", "--threads", "2")
    import json
    summary = json.loads((tmp_path / "summary.json").read_text())
    labels = np.loadtxt(tmp_path / "assignments.csv", delimiter=",", skiprows=1, usecols=1, dtype=int)
    model = segcast.TimeSeriesKMeans(n_clusters=3, metric="dtw", random_state=SEED, max_iter=10).fit(gunpoint)
    np.testing.assert_array_equal(model.labels_, labels)
    assert model.inertia_ == pytest.approx(summary["fit"]["inertia"], rel=1e-12)
    assert model.n_iter_ == summary["fit"]["iterations"]


def dtw_path(x, y):
    """tslearn's dtw_path: the optimal path (ties: diagonal, then up, then left, as its _return_path)
    and the distance."""
    n, m = len(x), len(y)
    cost = ((x[:, None, :] - y[None, :, :]) ** 2).sum(axis=2)
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    for diagonal in range(2, n + m + 1):
        i = np.arange(max(1, diagonal - m), min(n, diagonal - 1) + 1)
        j = diagonal - i
        acc[i, j] = cost[i - 1, j - 1] + np.minimum(np.minimum(acc[i - 1, j - 1], acc[i - 1, j]), acc[i, j - 1])
    a = acc[1:, 1:]
    path = [(n - 1, m - 1)]
    while path[-1] != (0, 0):
        i, j = path[-1]
        if i == 0:
            path.append((0, j - 1))
        elif j == 0:
            path.append((i - 1, 0))
        else:
            step = int(np.argmin([a[i - 1, j - 1], a[i - 1, j], a[i, j - 1]]))
            path.append([(i - 1, j - 1), (i - 1, j), (i, j - 1)][step])
    return path[::-1], np.sqrt(acc[n, m])


def dba_reference(members, barycenter, max_iter=30, tol=1e-5):
    """tslearn's dtw_barycenter_averaging_one from a given barycenter (equal-length members)."""
    previous = np.inf
    for _ in range(max_iter):
        sums, counts, cost = np.zeros_like(barycenter), np.zeros(len(barycenter)), 0.0
        for series in members:
            path, distance = dtw_path(barycenter, series)
            cost += distance ** 2
            for step, other in path:
                sums[step] += series[other]
                counts[step] += 1
        cost /= len(members)
        barycenter = sums / counts[:, None]
        if previous - cost < tol:
            break
        previous = cost
    return barycenter


def dtw_kmeans_reference(X, init, max_iter, tol=1e-6):
    """tslearn's _fit_one_init for the DTW metric (DBA updates), in numpy."""
    centroids, previous = init.copy(), np.inf
    for iteration in range(1, max_iter + 1):
        labels, distances = nearest(X, centroids, dtw)
        inertia = (distances ** 2).mean()
        assert len(set(labels)) == len(centroids), "an empty cluster: pick other initial centroids"
        centroids = np.stack([dba_reference(X[labels == c], centroids[c]) for c in range(len(centroids))])
        if abs(previous - inertia) < tol:
            break
        previous = inertia
    labels, _ = nearest(X, centroids, dtw)
    return labels, inertia, centroids, iteration


@pytest.mark.parametrize("dataset,step,picks", [("gunpoint", 3, [0, 5, 9]), ("basic_motions", 2, [0, 10, 30])])
def test_dtw_fit_equals_the_numpy_reference_with_dba(dataset, step, picks, request):
    X = request.getfixturevalue(dataset)[:, ::step]  # 50 steps, to keep the pure-numpy DBA quick
    X = X[:24] if dataset == "gunpoint" else X
    init = X[picks]
    labels, inertia, centroids, iterations = dtw_kmeans_reference(X, init, max_iter=6)
    assert iterations > 1
    model = segcast.TimeSeriesKMeans(n_clusters=3, metric="dtw", init=init, max_iter=6).fit(X)
    np.testing.assert_array_equal(model.labels_, labels)
    assert model.inertia_ == pytest.approx(inertia, rel=1e-9)
    assert model.n_iter_ == iterations
    np.testing.assert_allclose(model.cluster_centers_, centroids, rtol=1e-8, atol=1e-10)
