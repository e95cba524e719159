"""The engine: the vectorised kernel (the only place where time advances), ensembles and seeding."""
