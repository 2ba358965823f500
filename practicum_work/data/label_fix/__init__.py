"""``petseg fix-labels``: detect and fix label noise in a cats/dogs dataset, never in place.

Flow: :mod:`.scan` reads every pair once (in worker processes) and applies the format policies
of :mod:`.mask_policies`; :mod:`.regions` cuts the species regions a classifier judges
(:mod:`.species_classifier_self` or :mod:`.species_classifier_imagenet`); :mod:`.swap_detection`
turns the predictions into decisions with evidence; :mod:`.plan` gathers everything into
``plan.json``; :mod:`.contact_sheet` draws the flagged images; :mod:`.apply` writes the cleaned
copy and ``manifest.json``. :mod:`.pipeline` ties the steps together for the CLI.
"""
