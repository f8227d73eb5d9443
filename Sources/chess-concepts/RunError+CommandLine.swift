import ArgumentParser
import ChessInterpretability

extension RunError {
    /// The error as the command line says it: the setting named by its flag.
    var commandLineMessage: String {
        message(naming: { "--" + Self.flag(for: $0) })
    }

    /// A setting's flag: its name in kebab case (`randomSets` → `random-sets`), except where
    /// the command spells it otherwise.
    static func flag(for setting: String) -> String {
        if let spelled = ["projectionDimension": "projection-dim", "removed": "remove", "methods": "method"][setting] { return spelled }
        return setting.reduce(into: "") { flag, character in
            if character.isUppercase { flag += "-" + character.lowercased() } else { flag.append(character) }
        }
    }
}
