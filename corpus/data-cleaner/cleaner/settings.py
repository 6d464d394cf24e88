"""Run-wide settings of the cleaning agent.

``MAX_EXPORT_ROWS`` is part of the safety kernel: the guard reads it on every export,
and no automated change may alter it.
The remaining values are tuning knobs the agent is free to adjust.
"""

from typing import Final

# Kernel-protected: hard ceiling on the number of rows any export may contain.
MAX_EXPORT_ROWS: Final[int] = 500

# Tuning knobs (mutable).
DEFAULT_DELIMITER: Final[str] = ","
MIN_ACCEPTABLE_QUALITY: Final[float] = 0.6
DROP_COLUMN_MISSING_PERCENT: Final[int] = 50
OUTLIER_IQR_FACTOR: Final[float] = 1.5
CATEGORY_MAX_EDIT_DISTANCE: Final[int] = 2
PREVIEW_ROWS: Final[int] = 5
