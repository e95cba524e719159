"""Calibration by inference: the free parameters fitted to published judgements, with their uncertainty.

``targets`` reads the targets file; ``simulator`` computes each target's quantity for a row of parameter
values; ``inference`` fits an emulator to simulated rows and samples the posterior; ``posterior`` ships
and reads the result; ``uncertainty`` runs a forecast over posterior draws; ``validate`` sets the fitted
model beside fitted and held-out checks.
"""
