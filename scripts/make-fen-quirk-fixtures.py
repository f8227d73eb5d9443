#!/usr/bin/env python3
"""Writes Tests/ChessTests/Fixtures/fen-quirks.pgn and fen-quirks.json: games whose FEN
tag has one of the faults real files hold (a fullmove number of 0 as in pychess's mate
puzzles, castling rights the position cannot have as in Lichess studies, an en passant
square no double step left, a halfmove clock out of range), and what python-chess makes
of each: whether it reads the game without error, how many main-line positions, the last
position, and the repairs the tolerant reader is expected to report.

Reproduce with: pip install chess && python3 scripts/make-fen-quirk-fixtures.py
"""
import io
import json
import logging

import chess
import chess.pgn

logging.disable(logging.CRITICAL)

# (event, FEN tag, SAN moves, the repaired fields expected, in FEN field order)
QUIRKS = [
    ("Fullmove number 0, as in every pychess mate puzzle",
     "r1bqkb1r/pppp1ppp/2n2n2/4p2Q/2B1P3/8/PPPP1PPP/RNB1K1NR w KQkq - 4 0",
     ["Qxf7#"], ["fullmove number"]),
    ("Castling rights for a king that has moved",
     "r3k2r/pppq1ppp/2npbn2/4p3/4P3/2NPBN2/PPPQ1PPP/R4K1R w KQkq - 0 12",
     ["Kg1", "O-O-O", "Rf1"], ["castling rights", "castling rights"]),
    ("Castling rights for a rook that is gone, as in a Lichess study",
     "1n2k2r/4pppp/8/8/8/8/4PPPP/4K2R b Kkq - 0 1",
     ["O-O", "Kd1"], ["castling rights"]),
    ("En passant square that no double step left",
     "rnbqkbnr/pppp1ppp/8/4p3/4P3/8/PPPP1PPP/RNBQKBNR w KQkq d6 0 2",
     ["Nf3", "Nc6", "Bb5"], ["en passant square"]),
    ("Halfmove clock above 150",
     "8/8/4k3/8/8/4K3/4P3/8 w - - 200 90",
     ["Kd3", "Kd5", "e4+"], ["halfmove clock"]),
    ("Negative halfmove clock, which python-chess refuses",
     "8/8/4k3/8/8/4K3/4P3/8 w - - -3 40",
     ["Kd4", "Kd6", "e4"], ["halfmove clock"]),
    ("Every repair at once",
     "4k3/8/8/8/8/8/8/R3K3 b KQkq e3 -1 0",
     ["Kd7", "Ra7+"], ["castling rights", "castling rights", "castling rights", "en passant square", "halfmove clock", "fullmove number"]),
    ("A sound FEN tag, for contrast",
     "4k3/8/8/8/8/8/4P3/4K3 w - - 0 1",
     ["e4", "Kd7", "e5"], []),
]

def main():
    pgn = []
    expected = []
    for number, (event, fen, moves, repairs) in enumerate(QUIRKS, start=1):
        movetext, ply = [], 0
        # Move numbers as a real file writes them, from the FEN's side to move.
        black_first = fen.split()[1] == "b"
        for index, san in enumerate(moves):
            black = (index % 2 == 1) != black_first
            if not black:
                movetext.append(f"{index // 2 + 1}. {san}")
            elif index == 0:
                movetext.append(f"1... {san}")
            else:
                movetext.append(san)
        text = f'[Event "{event}"]\n[SetUp "1"]\n[FEN "{fen}"]\n[Result "*"]\n\n' + " ".join(movetext) + " *\n"
        pgn.append(text)
        game = chess.pgn.read_game(io.StringIO(text))
        clean = game is not None and not game.errors
        board = game.end().board() if clean else None
        expected.append({
            "game": number,
            "event": event,
            "python_chess_reads": clean,
            "python_chess_error": None if clean else str(game.errors[0]) if game and game.errors else "no game",
            "positions": len(moves) + 1,
            "python_chess_positions": len(list(game.mainline_moves())) + 1 if clean else None,
            "last_board": board.board_fen() + (" w" if board.turn else " b") if clean else None,
            "repairs": repairs,
        })
    with open("Tests/ChessTests/Fixtures/fen-quirks.pgn", "w") as file:
        file.write("\n".join(pgn))
    with open("Tests/ChessTests/Fixtures/fen-quirks.json", "w") as file:
        json.dump(expected, file, indent=1)
        file.write("\n")

if __name__ == "__main__":
    main()
