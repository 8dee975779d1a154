"""A scikit-learn style estimator with tslearn's TimeSeriesKMeans interface over segcast's C++
TimeSeries K-Means (include/segcast/ts_kmeans.h: tslearn's algorithm, DBA barycenters under DTW).
"""
from __future__ import annotations

from typing import Optional, Union

import numpy as np

from . import _segcast


def _as_series(X) -> np.ndarray:
    """tslearn's to_time_series_dataset layout: (n, T, d) float64; (n, T) means d = 1."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 2:
        X = X[:, :, None]
    return np.ascontiguousarray(X)


class TimeSeriesKMeans:
    """TimeSeries K-Means with tslearn's parameters, attributes and methods.

    Parameters (tslearn.clustering.TimeSeriesKMeans): n_clusters, max_iter, tol, n_init,
    metric ("dtw" or "euclidean"; "softdtw" is not supported), init ("k-means++", "random" or an
    array of initial centroids (n_clusters, length, d)), random_state (an int seed; segcast's own
    generator, so seeds do not reproduce numpy's streams). ``metric_params={"sakoe_chiba_radius":
    r}`` sets a Sakoe-Chiba band. segcast's own: n_jobs (threads; None = every core; results do not
    depend on it) and naive_assignment (the unpruned assignment scan, for checks).

    Input: (n, T, d) float arrays of any d; variable-length series end in NaN padding (tslearn's
    to_time_series_dataset). The Euclidean metric needs equal lengths.

    After fit: cluster_centers_ (n_clusters, T, d), labels_, inertia_ (tslearn's: the mean squared
    distance at the last iteration's assignment step), n_iter_.
    """

    def __init__(self, n_clusters: int = 3, max_iter: int = 50, tol: float = 1e-6, n_init: int = 1,
                 metric: str = "euclidean", max_iter_barycenter: int = 100, metric_params: Optional[dict] = None,
                 n_jobs: Optional[int] = None, dtw_inertia: bool = False, verbose: int = 0,
                 random_state: Optional[int] = None, init: Union[str, np.ndarray] = "k-means++",
                 naive_assignment: bool = False):
        self.n_clusters = n_clusters
        self.max_iter = max_iter
        self.tol = tol
        self.n_init = n_init
        self.metric = metric
        # Accepted for tslearn compatibility; segcast's DBA runs 30 iterations whatever this says,
        # which is what tslearn's TimeSeriesKMeans does (ts_kmeans.h).
        self.max_iter_barycenter = max_iter_barycenter
        self.metric_params = metric_params
        self.n_jobs = n_jobs
        self.dtw_inertia = dtw_inertia
        self.verbose = verbose
        self.random_state = random_state
        self.init = init
        self.naive_assignment = naive_assignment

    # scikit-learn's estimator protocol
    def get_params(self, deep: bool = True) -> dict:
        return {name: getattr(self, name) for name in (
            "n_clusters", "max_iter", "tol", "n_init", "metric", "max_iter_barycenter", "metric_params",
            "n_jobs", "dtw_inertia", "verbose", "random_state", "init", "naive_assignment")}

    def set_params(self, **params) -> "TimeSeriesKMeans":
        for name, value in params.items():
            if name not in self.get_params():
                raise ValueError(f"invalid parameter {name!r} for TimeSeriesKMeans")
            setattr(self, name, value)
        return self

    def _band(self) -> int:
        params = self.metric_params or {}
        radius = params.get("sakoe_chiba_radius")
        return -1 if radius is None else int(radius)

    def _threads(self) -> int:
        return 0 if self.n_jobs in (None, -1) else int(self.n_jobs)

    def fit(self, X, y=None) -> "TimeSeriesKMeans":
        X = _as_series(X)
        init = self.init
        if not isinstance(init, str):
            init = _as_series(init)
        seed = 0 if self.random_state is None else int(self.random_state)
        result = _segcast.fit_ts_kmeans(X, self.n_clusters, self.metric, self.max_iter, self.tol, self.n_init,
                                        init, seed, self._threads(), self._band(), self.naive_assignment)
        self.cluster_centers_ = result["centroids"]
        self.labels_ = result["labels"]
        self.inertia_ = result["inertia"]
        self.n_iter_ = result["n_iter"]
        self.converged_ = result["converged"]
        self.inertia_history_ = result["inertia_history"]
        self.distances_ = result["distances"]
        self.fit_seconds_ = result["seconds"]
        return self

    def predict(self, X) -> np.ndarray:
        """Nearest centroid of each series (ties to the lower index)."""
        labels, _ = _segcast.assign_series(_as_series(X), self.cluster_centers_, self.metric, self._band(),
                                           self._threads())
        return labels

    def fit_predict(self, X, y=None) -> np.ndarray:
        return self.fit(X).labels_
