"""
Active learning for sentence classification
===========================================

A text loop in the setting of the DAMI paper's MR experiments: a Kim CNN
(:class:`~skactive.TextCNNClassifier`) on short movie-review sentences, word vectors from
word2vec trained on the data set's own text, and a strategy choosing which sentences to label.

The example uses the MR sentence polarity data when :func:`skactive.datasets.load_mr` finds it
(in ``$SKACTIVE_DATA/mr``; a random subset keeps the example short) and otherwise generates
MR-like sentences: templates that mix sentiment words, neutral filler, and negations that flip
the polarity, with some label noise. Either way the loop is the same.

Word2vec is fitted **once**, on every sentence (no labels are used), and passed to the
classifier, so no round retrains it (see :ref:`text`).
"""

# %%
# The sentences
# -------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split

from skactive import ActiveLearner, TextCNNClassifier
from skactive.strategies import DAMI, EntropySampling, RandomSampling
from skactive.text import Word2VecEmbedding

rng = np.random.RandomState(0)


def make_reviews(n, rng):
    """MR-like sentences: sentiment words in templates; 'not' flips; 8% of labels flipped."""
    positive = ["gripping", "warm", "funny", "moving", "clever", "beautiful", "sharp", "tender",
                "brilliant", "charming", "smart", "touching"]
    negative = ["dull", "tedious", "clumsy", "flat", "bland", "forced", "shallow", "messy",
                "pointless", "lifeless", "stale", "sloppy"]
    subjects = ["the film", "this movie", "the script", "the cast", "the story", "the director",
                "its second half", "the dialogue", "the ending", "every scene"]
    fillers = ["", "frankly", "at times", "for the most part", "in the end", "oddly enough",
               "despite the hype", "from start to finish"]
    verbs = ["is", "feels", "seems", "remains", "turns out"]
    texts, labels = [], []
    for _ in range(n):
        label = rng.randint(2)
        negate = rng.rand() < 0.25
        word = rng.choice(positive if label != negate else negative)
        other = rng.choice(positive + negative)
        parts = [rng.choice(subjects), rng.choice(verbs), "not" if negate else "",
                 word, rng.choice(["", "and", "but also"]), other if rng.rand() < 0.3 else "",
                 rng.choice(fillers)]
        text = " ".join(p for p in parts if p) + rng.choice([" .", " !", " ..."])
        texts.append(text)
        labels.append(label if rng.rand() > 0.08 else 1 - label)
    return np.array(texts, dtype=object), np.array(labels)


try:
    from skactive.datasets import load_mr

    texts, labels = load_mr(return_X_y=True)
    keep = rng.choice(len(texts), size=2000, replace=False)
    texts, labels, source = texts[keep], labels[keep], "MR (2,000 random sentences)"
except (ImportError, OSError, ValueError):  # not downloaded here: generate MR-like data
    texts, labels = make_reviews(2000, rng)
    source = "generated MR-like sentences"

print(source)
for t, l in zip(texts[:5], labels[:5]):
    print(l, t)

X_pool_all, X_test, y_pool_all, y_test = train_test_split(
    texts, labels, test_size=500, stratify=labels, random_state=0)

# %%
# Word vectors, once, on every sentence
# -------------------------------------
embedding = Word2VecEmbedding(vector_size=50, epochs=10, random_state=0).fit(texts)
print(f"{len(embedding.vocabulary_)} words, {embedding.vectors_.shape[1]}-dimensional vectors")

# %%
# The loop: entropy sampling and DAMI against random sampling
# -----------------------------------------------------------
# DAMI recognises the text model and uses the paper's Algorithm 2: each sentence is represented
# by the gradient at its most distinctive word, and the batch is the k-medoids of those.
# A fixed number of epochs: on a few dozen sentences the training loss can sit on a plateau for a
# few epochs before it falls, and stopping on it (``n_iter_no_change``) would then keep a
# chance-level model for the round.
initial = rng.choice(len(X_pool_all), size=40, replace=False)
N_ROUNDS, BATCH = 5, 36


def run(strategy):
    learner = ActiveLearner(
        TextCNNClassifier(embedding=embedding, n_filters=50, learning_rate=0.01,
                          max_epochs=30, n_iter_no_change=None, random_state=0),
        strategy, X_training=X_pool_all[initial], y_training=y_pool_all[initial])
    pool = np.setdiff1d(np.arange(len(X_pool_all)), initial)
    sizes, scores = [], []
    for round_ in range(N_ROUNDS + 1):
        scores.append(learner.score(X_test, y_test))
        sizes.append(len(learner.y_training_))
        if round_ == N_ROUNDS:
            break
        query_idx, query_texts = learner.query(X_pool_all[pool], n_instances=BATCH)
        learner.teach(query_texts, y_pool_all[pool[query_idx]])
        pool = np.delete(pool, query_idx)
    return sizes, scores, query_texts


curves = {}
for name, strategy in [("random", RandomSampling(random_state=0)),
                       ("entropy", EntropySampling()),
                       ("DAMI", DAMI(random_state=0))]:
    curves[name] = run(strategy)
    print(f"{name:8s} accuracy {curves[name][1][-1]:.3f} with {curves[name][0][-1]} labels")

print("Sentences entropy sampling asked about in its last round:")
for t in curves["entropy"][2][:5]:
    print("  ", t)

# %%
# Learning curves
# ---------------
fig, ax = plt.subplots(figsize=(6, 4))
for name, (sizes, scores, _) in curves.items():
    ax.plot(sizes, scores, marker="o", label=name)
ax.set_xlabel("labeled sentences")
ax.set_ylabel("test accuracy")
ax.set_title(f"TextCNN on {source}")
ax.legend()
fig.tight_layout()
plt.show()
