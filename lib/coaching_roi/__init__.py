"""Coaching ROI Workbook: the evidence chain from coaching to behavior to deal outcomes."""

from coaching_roi.errors import WorkbookError

__all__ = ["WorkbookError", "__version__"]
__version__ = "0.1.0"
