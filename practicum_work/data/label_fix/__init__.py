"""``petseg fix-labels``: detect and fix label noise in a cats/dogs dataset, never in place.

Flow: :mod:`.settings` (the options, declared once); :mod:`.sample_scan` reads every pair once
(in worker processes), runs the registered checks (:mod:`practicum_work.data.checks`, the
findings eda reports too) and applies the format fixes of :mod:`.mask_policies`;
:mod:`.regions` cuts the species regions a classifier judges (:mod:`.species_classifier_self`
with :mod:`.region_features` and :mod:`.visual_words`, or :mod:`.species_classifier_imagenet`);
:mod:`.classifier_reliability`, :mod:`.review_level` and :mod:`.judged_groups` measure it per
group of animals; :mod:`.swap_detection` turns its predictions into verdicts with evidence;
:mod:`.plan` decides about every sample (``plan.json``); :mod:`.split_guard` refuses a copy
that would empty a split; :mod:`.human_decisions` applies ``petseg review``'s decisions;
:mod:`.contact_sheet` draws the flagged samples; :mod:`.apply` writes the cleaned copy and
``manifest.json`` (:mod:`.fingerprints`, :mod:`.saved_plan`: ``--apply PLAN``);
:mod:`.relabel_export` exports samples for an annotation tool. :mod:`.run` ties the steps
together.
"""
