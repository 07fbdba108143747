"""Does a less overfitted TextCNN make uncertainty sampling pay on MR?

On MR, entropy with a TF-IDF logistic regression beats random sampling from the first round
(``docs/results/default_candidates.txt``), while entropy with skactive's TextCNN loses in the
early rounds (``docs/results/evidence.md``), though both models rank equally well under random
sampling (``docs/results/baselines_paired.txt``). The TextCNN trains until its training loss is
below ``target_loss=0.1``, so its probabilities on unseen sentences may be overconfident. This
script runs random and entropy with TextCNN variants that fit less tightly, with the evidence
runs' protocol and seeds (2% at random, 8% per round up to 50%), and prints each variant's
entropy-minus-random by round and over the curve (paired by repeat)::

    python benchmarks/mr_model_study.py --repeats 3 --out runs/mr-study \\
        > docs/results/mr_model_study.txt

Needs the MR files (``SKACTIVE_DATA``). Each variant's run folder is kept under ``--out``
(``--resume`` continues them).
"""

import argparse
import time
from pathlib import Path

from skactive.experiment import compare_to_baseline, round_differences, run_experiment

VARIANTS = {
    "target_loss 0.3": {"target_loss": 0.3},
    "early_stopping": {"early_stopping": True},
    "freeze_embedding": {"freeze_embedding": True},
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--out", type=Path, default=Path("mr-model-study"))
    parser.add_argument("--n-jobs", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"MR, TextCNN variants, random and entropy, {args.repeats} repeats; 2% at random, then "
          "8% per round up to 50%; test AUC.")
    for name in args.variants.split(","):
        started = time.perf_counter()
        results = run_experiment(
            "mr", ["random", "entropy"], model="textcnn", model_params=VARIANTS[name],
            repeats=args.repeats, step=0.08, out=args.out / name.replace(" ", "-"),
            resume=True, n_jobs=args.n_jobs, progress=False)
        minutes = (time.perf_counter() - started) / 60
        print(f"\n== TextCNN({', '.join(f'{k}={v!r}' for k, v in VARIANTS[name].items())}) "
              f"({minutes:.0f} min)")
        curves = results.groupby(["strategy", "labeled_fraction"])["auc"].mean().unstack(0)
        print("mean test AUC by labeled fraction:")
        print(curves.round(4).to_string())
        rounds = round_differences(results, metric="auc")
        print("\nentropy minus random, by round (95% interval):")
        print(rounds[["labeled_fraction", "diff_mean", "ci_low", "ci_high", "p_value"]]
              .round(4).to_string(index=False))
        table = compare_to_baseline(results, metric="auc")
        print("\narea under the curve, entropy minus random:")
        print(table[["strategy", "area_diff", "ci_low", "ci_high", "p_value", "verdict"]]
              .round(4).to_string(index=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
