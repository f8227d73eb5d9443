#!/usr/bin/env python3
"""Writes Tests/ProbeTrackerTests/Fixtures/openings.pgn: the first eight plies of the
first 80 games of the shipped corpus in which no position offers a mate in one, so
that a probe of has_mate_in_one has no positive example to fit on.

Reproduce with: pip install chess && python3 scripts/make-probe-fixtures.py
"""
import gzip
import io

import chess
import chess.pgn

GAMES, PLIES = 80, 8


def offers_mate(board):
    for move in board.legal_moves:
        board.push(move)
        mate = board.is_checkmate()
        board.pop()
        if mate:
            return True
    return False


games = []
with io.TextIOWrapper(gzip.open("positions/selfplay.pgn.gz"), encoding="utf-8") as handle:
    while len(games) < GAMES:
        game = chess.pgn.read_game(handle)
        board, short = game.board(), chess.pgn.Game()
        short.headers["Event"] = "Openings of the self-play corpus"
        short.headers["Round"] = game.headers["Round"]
        short.headers["Result"] = "*"
        node, mate = short, offers_mate(board)
        for move in list(game.mainline_moves())[:PLIES]:
            node = node.add_variation(move)
            board.push(move)
            mate = mate or offers_mate(board)
        if not mate:
            games.append(str(short))
with open("Tests/ProbeTrackerTests/Fixtures/openings.pgn", "w") as out:
    out.write("\n\n".join(games) + "\n")
