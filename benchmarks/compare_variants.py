"""Compare IBAL's two readings and RALIF's two variants through the experiment runner.

Issue 5 asks which of the non-degenerate readings of IBAL's Eq. 2 (``reading='pseudo_label'``
or ``'expected_label'``) and which of RALIF's scorings (``variant='reference'`` or
``'expected'``) should be the default. This script runs all four, next to random sampling, with
the DAMI paper's protocol (:func:`skactive.experiment.run_experiment`) on the shipped Telescope
data and on the IBAL paper's synthetic set, and prints the mean score over each learning curve
(normalised area under it) with its spread over repeats.

Usage::

    python benchmarks/compare_variants.py                       # both data sets, 3 repeats
    python benchmarks/compare_variants.py --datasets ibal --repeats 5 --step 0.02 --until 0.5

Results go to ``--out`` (``results/variants`` by default: the raw CSVs stay out of the
package); ``skactive report results/variants`` draws the curves. Finished rounds are kept, so
an interrupted run continues with the same command.
"""

import argparse
import time

from skactive.experiment import curve_area, run_experiment
from skactive.strategies import IBAL, RALIF, RandomSampling


def variants():
    return {
        "random": RandomSampling(),
        "ibal (pseudo_label)": IBAL(reading="pseudo_label"),
        "ibal (expected_label)": IBAL(reading="expected_label"),
        "ralif (reference)": RALIF(variant="reference"),
        "ralif (expected)": RALIF(variant="expected"),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="telescope,ibal")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--step", type=float, default=0.04,
                        help="labeled fraction added per round (default 0.04, as the "
                             "reproduction runs)")
    parser.add_argument("--until", type=float, default=0.3,
                        help="labeled fraction at the end (default 0.3: the rounds where "
                             "strategies differ most, at a third of the cost of 0.5)")
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--out", default="results/variants")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    results = run_experiment(args.datasets.split(","), variants(), repeats=args.repeats,
                             step=args.step, until=args.until, n_jobs=args.n_jobs, out=args.out,
                             resume=True, progress=False)
    print(f"wall time {time.perf_counter() - start:.0f} s\n")
    print(curve_area(results).to_string(index=False))


if __name__ == "__main__":
    main()
