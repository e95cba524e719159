"""`brink play`: one principal played by the user day by day, the rest by the model (docs/play.md)."""
