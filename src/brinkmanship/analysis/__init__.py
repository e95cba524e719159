"""Analysis on top of ensembles: intervals, comparisons, calibration, sensitivity."""
