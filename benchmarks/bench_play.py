"""`brink play`'s advice panel: the time of one turn's forecasts (docs/play.md).

Each open move is a forecast of ``--advice-runs`` branches x ``--horizon`` days from the game's world
(2,000 x 90 by default: the crisis room's forecast of bench_kernel.py, once per move), and so is each lever
that can be pulled (against holding without it: the moves' forecast, reused). Reported: the median wall
time of the moves' panel and of the levers' over ``--repeats`` turns on the start date, per forecast, and
of one move of the world (a single path, one day).

Run: ``.venv/bin/python benchmarks/bench_play.py [--scenario korea-2017] [--side us] [--repeats 5]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from brinkmanship.analysis.lives import lives_model
from brinkmanship.play.game import Game
from brinkmanship.scenario import compile_scenario, load_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="korea-2017")
    parser.add_argument("--side", default="us")
    parser.add_argument("--advice-runs", type=int, default=2000)
    parser.add_argument("--horizon", type=int, default=90)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    sc = load_scenario(args.scenario)
    model = compile_scenario(sc)
    game = Game.start(model, args.side, 1, lives_model(sc), scenario=sc)
    game.advise(args.advice_runs, args.horizon)  # warm-up: the compiled kernel and the caches
    moves, levers = len(game.options()), len(game.ways)  # holding: advise's forecast, reused
    panel, lever_panel = [], []
    for _ in range(args.repeats):
        started = time.perf_counter()
        game.advise(args.advice_runs, args.horizon)
        panel.append(time.perf_counter() - started)
        started = time.perf_counter()
        game.advise_levers(args.advice_runs, args.horizon)
        lever_panel.append(time.perf_counter() - started)
    steps = []
    for _ in range(20):
        if game.over:
            break
        started = time.perf_counter()
        game.move("hold")
        steps.append(time.perf_counter() - started)
    median, lever_median = float(np.median(panel)), float(np.median(lever_panel))
    print(
        f"{args.scenario} as {game.you}: advice panel of {moves} moves x {args.advice_runs:,} branches x "
        f"{args.horizon} days: {median:.2f} s median ({1000 * median / moves:.0f} ms a move); levers "
        f"({levers} forecasts): {lever_median:.2f} s ({1000 * lever_median / levers:.0f} ms each); "
        f"one move of the world: {1000 * float(np.median(steps)):.1f} ms"
    )


if __name__ == "__main__":
    main()
