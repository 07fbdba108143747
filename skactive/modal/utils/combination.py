"""Building utility functions and query strategies out of others."""

import numpy as np

__all__ = ["make_linear_combination", "make_product", "make_query_strategy"]


def make_linear_combination(*functions, weights=None):
    """A function returning ``sum_i weights[i] * functions[i](*args, **kwargs)``.

    Parameters
    ----------
    *functions : callable
        Functions with the same signature.
    weights : sequence of float, optional
        One per function; all ones by default.

    Returns
    -------
    linear_combination : callable

    Examples
    --------
    >>> from skactive.modal.utils.combination import make_linear_combination
    >>> f = make_linear_combination(lambda x: x, lambda x: x ** 2, weights=[1, 10])
    >>> f(2)
    42
    """
    if weights is None:
        weights = np.ones(len(functions))
    elif len(weights) != len(functions):
        raise ValueError(f"Got {len(weights)} weights for {len(functions)} functions; give one "
                         "weight per function.")

    def linear_combination(*args, **kwargs):
        return sum(w * f(*args, **kwargs) for w, f in zip(weights, functions))

    return linear_combination


def make_product(*functions, exponents=None):
    """A function returning ``prod_i functions[i](*args, **kwargs) ** exponents[i]``.

    Parameters
    ----------
    *functions : callable
    exponents : sequence of float, optional
        One per function; all ones by default.

    Returns
    -------
    product_function : callable

    Examples
    --------
    >>> from skactive.modal.utils.combination import make_product
    >>> f = make_product(lambda x: x, lambda x: x + 1, exponents=[2, 1])
    >>> float(f(3))
    36.0
    """
    if exponents is None:
        exponents = np.ones(len(functions))
    elif len(exponents) != len(functions):
        raise ValueError(f"Got {len(exponents)} exponents for {len(functions)} functions; give "
                         "one exponent per function.")

    def product_function(*args, **kwargs):
        return np.prod([f(*args, **kwargs) ** e for f, e in zip(functions, exponents)], axis=0)

    return product_function


def make_query_strategy(utility_measure, selector):
    """A query strategy ``(classifier, X) -> selector(utility_measure(classifier, X))``.

    Parameters
    ----------
    utility_measure : callable
        ``utility_measure(classifier, X) -> ndarray of shape (n_samples,)``.
    selector : callable
        ``selector(utility) -> (query_idx, values)``, e.g. :func:`~.selection.multi_argmax`.

    Returns
    -------
    query_strategy : callable

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.modal.uncertainty import classifier_entropy
    >>> from skactive.modal.utils.combination import make_query_strategy
    >>> from skactive.modal.utils.selection import multi_argmax
    >>> strategy = make_query_strategy(classifier_entropy, multi_argmax)
    >>> X = np.array([[-2.0], [0.1], [2.0]])
    >>> clf = LogisticRegression().fit(X, [0, 1, 1])
    >>> strategy(clf, X)[0].shape
    (1,)
    """
    def query_strategy(classifier, X):
        return selector(utility_measure(classifier, X))

    return query_strategy
