"""How results are shown: text, HTML and JSON reports, the memory curve and its figures, and
images side by side."""
