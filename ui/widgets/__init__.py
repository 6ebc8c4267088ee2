"""What every window uses: colour swatches, date editors, field editors built from the
core's declarations, PDF pages for the print preview, the error list beside a form, work
run off the GUI thread with progress (``background``) and work put off until the first
paint (``first_paint``).

May import the core only; every other ``ui`` package may import it.
"""
