"""Model-assisted label quality: out-of-fold scores, issue maps and proposed corrections."""
