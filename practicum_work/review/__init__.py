"""``petseg review``: a local web page to decide every flagged mask; decisions.json out."""
