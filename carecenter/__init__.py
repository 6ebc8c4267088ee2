"""留守关爱 core: the register of people cared for, their rules, storage and documents.

This package never imports Qt: the desktop windows in ``ui/`` sit on top of it, and the
command line (``python -m carecenter``) uses it directly.
"""

__version__ = "0.1.0"
