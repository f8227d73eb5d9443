#!/usr/bin/env python3
"""Prints, as JSON, what python-chess reads from each PGN file given: every game in
file order with whether python-chess read it without error and, if so, how many
main-line positions it holds (its moves plus the start). The tests hold the reader
to these counts on real files (see Tests/PositionCollectionsTests/Fixtures/).

python-chess can raise on a broken game instead of logging it; the file is then
counted up to that game, and the exception is recorded.

Usage: pip install chess && python3 scripts/count-pgn-with-python-chess.py FILE.pgn ... > counts.json
"""
import json
import logging
import os
import sys

import chess
import chess.pgn

logging.disable(logging.CRITICAL)

def count(path):
    games, stopped = [], None
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        while True:
            try:
                game = chess.pgn.read_game(handle)
            except Exception as error:  # python-chess gave up on this game and the rest of the file
                stopped = f"game {len(games) + 1}: {error!r}"
                break
            if game is None:
                break
            clean = not game.errors
            games.append([len(games) + 1, len(list(game.mainline_moves())) + 1 if clean else None])
    return {"file": os.path.basename(path), "python_chess": chess.__version__, "stopped": stopped, "games": games}

if __name__ == "__main__":
    json.dump([count(path) for path in sys.argv[1:]], sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")
