"""relubook: the small library behind *ReLU: an interactive textbook*.

Modules
-------
activations
    The registry of activation functions and their derivatives.
network, datasets, diagnostics
    A tiny NumPy network trainer, toy 2-D data sets and dead-unit reports.
hinges, surfaces (ch. 1); propagation (ch. 2); activation_summary, self_normalisation, tables (ch. 3);
dying, born_dead, dying_plots (ch. 4); plane_classifier, activation_race, recurrent, transformer,
regions, conv, quantise (ch. 5)
    Each chapter's experiments, named for what they compute.
checks
    Friendly exercise checkers (``checks.relu(my_relu)``).
plotting
    The book's single plot style and palette.
prose
    Computed numbers formatted for the prose's ``{eval}`` role.
widgets
    Only what makes a widget: update functions that draw, :func:`widgets.live`, the frame store for
    the static site and the static twins. Imports go one way: experiments -> plotting -> widgets.
"""

__version__ = "0.1.0"
